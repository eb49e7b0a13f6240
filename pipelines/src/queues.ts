/**
 * Queue names: the contract between producers (serving, console, schedules) and the trainer. Renaming one
 * strands every job already waiting in Redis under the old name, so names are versioned instead.
 */
export const QUEUES = {
  /** One event per chat turn, published by serving after the turn is stored. */
  interactions: 'acsa.interactions.v1',
  retrain: 'acsa.retrain.v1',
  deadLetters: 'acsa.dead-letters.v1',
} as const;
export type TQueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** Redis pub/sub channel on which every alias move is announced; serving replicas reload on it. */
export const MODEL_ALIAS_CHANNEL = 'acsa:model-alias-moved';
