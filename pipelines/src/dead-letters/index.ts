// Server-only: dead letters (BullMQ).
export { attachDeadLetters, isFinalFailure, sendToDeadLetters } from './attach-dead-letters.ts';
export {
  replayDeadLetterFromConsole,
  replayDeadLettersFromConsole,
  type TReplayManyResult,
} from './console-replay.ts';
export { type TDeadLetter, ZDeadLetter } from './dead-letter.ts';
export {
  listDeadLetters,
  replayDeadLetter,
  type TDeadLetterItem,
  type TQueueDeps,
  type TReplayResult,
} from './dead-letter-ops.ts';
export { maskErrorText, maskingFailures } from './mask-failures.ts';
export { queueCounts, type TQueueCounts, WATCHED_QUEUES } from './queue-counts.ts';
export { readQueues } from './queue-reads.ts';
export type { TThroughput } from './queue-throughput.ts';
