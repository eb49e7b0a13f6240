// Contracts shared by every producer and the trainer: zod schemas, names and thresholds, no I/O.
// Server-only operations are subpaths: ./retrain, ./registry, ./dead-letters.
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
  driftAlertReason,
  type TDriftAlert,
  type TDriftCheckJob,
  ZDriftAlert,
  ZDriftCheckJob,
} from './drift-job.ts';
export {
  DEFAULT_DRIFT_THRESHOLDS,
  driftBreaches,
  effectiveThresholds,
  psiNoiseFloor,
  type TDriftBreach,
  type TDriftFigures,
  type TDriftSampling,
  type TDriftThresholds,
  ZDriftThresholds,
} from './drift-thresholds.ts';
export {
  DEFAULT_GATE_THRESHOLDS,
  resolveGateThresholds,
  type TGateThresholds,
  type TGateThresholdsInput,
  ZGateThresholds,
  ZGateThresholdsInput,
} from './gate-thresholds.ts';
export {
  INTERACTION_JOBS,
  MAX_INTERACTION_BATCH,
  parseInteractionJob,
  type TAliasMoved,
  type TInteractionBatch,
  type TInteractionEvent,
  type TParsedInteractions,
  upgradeInteractionEvent,
  upgradeInteractionJob,
  ZAliasMoved,
  ZInteractionBatch,
  ZInteractionEvent,
} from './interaction-event.ts';
export {
  API_KEY_REVOKED_CHANNEL,
  DEFAULT_QUEUE_PREFIX,
  MODEL_ALIAS_CHANNEL,
  QUEUES,
  type TQueueName,
} from './queues.ts';
export { experimentAlias, PRODUCTION_ALIAS, SHADOW_ALIAS } from './registry/aliases.ts';
export * from './retrain/config.ts';
export * from './retrain/jobs.ts';
export * from './retrain/outputs.ts';
export * from './retrain/steps.ts';
export { DEFAULT_LABEL_TRIGGER_COUNT, DEFAULT_RUN_DIR_RETENTION_DAYS, SCHEDULES } from './schedules.ts';
export {
  heartbeatTtlMs,
  SERVING_HEARTBEAT_MAX_TTL_MS,
  SERVING_HEARTBEAT_MS,
  servingReplicaKeys,
  type TServingHeartbeat,
} from './serving-heartbeat.ts';
export { WORKER_METRICS } from './worker-metrics.ts';
