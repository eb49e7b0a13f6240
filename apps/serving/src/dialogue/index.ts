export type { TTurnInput } from './context.ts';
export { decideTurn, HISTORY_LIMIT } from './decide-turn.ts';
export type { TEscalationContext } from './escalation.ts';
export { POLICIES } from './intents.ts';
