export {
  compareProportions,
  SRM_P_THRESHOLD,
  sampleRatioCheck,
  type TProportion,
  type TProportionComparison,
  type TSampleRatioCheck,
} from './ab-stats.ts';
export { announceAliasMove } from './alias-announce.ts';
export {
  DRIFT_QUEUE,
  DRIFT_SCHEDULER_ID,
  DRIFT_WINDOW_MS,
  type TDriftAlert,
  type TDriftCheckJob,
  ZDriftAlert,
  ZDriftCheckJob,
} from './drift-job.ts';
export {
  DEFAULT_DRIFT_THRESHOLDS,
  driftBreaches,
  type TDriftBreach,
  type TDriftFigures,
  type TDriftThresholds,
  ZDriftThresholds,
} from './drift-thresholds.ts';
export {
  type TAliasMoved,
  type TInteractionEvent,
  ZAliasMoved,
  ZInteractionEvent,
} from './interaction-event.ts';
export { MODEL_ALIAS_CHANNEL, QUEUES, type TQueueName } from './queues.ts';
