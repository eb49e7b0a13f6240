// Server-only: the escalations queue a human support agent works from.
export { handBackEscalation, resolveEscalation, takeEscalation } from './escalation-actions.ts';
export {
  countActiveEscalations,
  listEscalations,
  listResolvedEscalations,
  type TEscalationTurn,
  type TEscalationView,
  TRANSCRIPT_TURNS,
  type TResolvedPage,
} from './list-escalations.ts';
