// Server-only: the escalations queue a human support agent works from.
export { handBackEscalation, resolveEscalation, takeEscalation } from './escalation-actions.ts';
export { listEscalations, type TEscalationTurn, type TEscalationView } from './list-escalations.ts';
