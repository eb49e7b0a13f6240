// Server-only: the escalations queue a human support agent works from.
export { handBackEscalation, resolveEscalation, takeEscalation } from './escalation-actions.ts';
export {
  listEscalations,
  listResolvedEscalations,
  type TEscalationTurn,
  type TEscalationView,
  type TResolvedPage,
} from './list-escalations.ts';
