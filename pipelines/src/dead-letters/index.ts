// Server-only: dead letters (BullMQ).
export { attachDeadLetters, isFinalFailure, sendToDeadLetters } from './attach-dead-letters.ts';
export { type TDeadLetter, ZDeadLetter } from './dead-letter.ts';
export {
  listDeadLetters,
  replayDeadLetter,
  type TDeadLetterItem,
  type TQueueDeps,
  type TReplayResult,
} from './dead-letter-ops.ts';
