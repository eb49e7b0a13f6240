/**
 * Queue names: the contract between producers (serving, console, schedules) and the trainer. Renaming one
 * strands every job already waiting in Redis under the old name, so names are versioned instead.
 */
export const QUEUES = {
  /** Serving's interaction events, one per chat turn stored, sent in batches (INTERACTION_JOBS). */
  interactions: 'acsa.interactions.v1',
  /** The retraining flow's light steps (snapshot, gate, register, promote): database work, in-process. */
  retrain: 'acsa.retrain.v1',
  /** The retraining flow's CPU-heavy steps (train, evaluate): sandboxed processors, one at a time. */
  retrainCpu: 'acsa.retrain-cpu.v1',
  /** Label-count checks and scheduled retrains, fed by BullMQ job schedulers. */
  retrainTriggers: 'acsa.retrain-triggers.v1',
  /** Jobs that exhausted their retries, with error and payload, until someone replays or drops them. */
  deadLetters: 'acsa.dead-letters.v1',
} as const;
export type TQueueName = (typeof QUEUES)[keyof typeof QUEUES];

/**
 * The BullMQ key prefix every process uses outside tests (serving's `${redisPrefix}bull`), so producers
 * and the trainer meet on the same keys. Tests pass their own namespace's prefix instead.
 */
export const DEFAULT_QUEUE_PREFIX = 'acsa:bull';

/** Redis pub/sub channel on which every alias move is announced; serving replicas reload on it. */
export const MODEL_ALIAS_CHANNEL = 'acsa:model-alias-moved';
/** Serving replicas drop a revoked key from their caches when it is announced here (payload: the key's id). */
export const API_KEY_REVOKED_CHANNEL = 'acsa:api-key-revoked';
