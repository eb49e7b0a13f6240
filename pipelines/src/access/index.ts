// Server-only: console sign-in, sessions and roles (PostgreSQL through @acsa/db).
export { verifyPassword } from './password.ts';
export { hasRole, ROLE_RANK, type TActor } from './roles.ts';
export { SESSION_TTL_MS, sessionUser, signIn, signOut, type TSessionUser } from './sessions.ts';
