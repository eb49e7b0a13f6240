import { userInfo } from 'node:os';

/**
 * Who a command's changes are recorded as in the audit log: the login of the person at the terminal
 * (`cli:<login>`), as no console account signs a command in.
 */
export const cliActor = () => ({ type: 'USER' as const, display: `cli:${userInfo().username}` });
