// Server-only: reads of the interaction analytics the trainer writes, for the console and the CLI
// (PostgreSQL through @acsa/db).
export { reviewInbox, type TInboxItem } from './review-inbox.ts';
export { NO_MODEL_VERSION, type TTurnStats, turnStats, turnStatsByHour } from './turn-stats.ts';
