// Server-only: retraining runs for the console (PostgreSQL, and BullMQ through the retrain client).
export { listRuns, listRunsWithTotal, type TRunList, type TRunListItem } from './list-runs.ts';
export { retrainFromDriftReport } from './retrain-from-drift.ts';
export { cancelRun, replayRun, startRun } from './run-actions.ts';
export { runEvents, type TRunEvent } from './run-events.ts';
export { runIdFromPrefix, runIdRange } from './run-id-prefix.ts';
export { ACTIVE_RUN_STATUSES, isActiveRun, runState, type TRunLog, type TRunState } from './run-state.ts';
