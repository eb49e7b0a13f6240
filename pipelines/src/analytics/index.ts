// Server-only: reads of the interaction analytics the trainer writes, for the console and the CLI
// (PostgreSQL through @acsa/db).

export { driftView, type TDriftView } from './drift-view.ts';
export { driftWindow, type TDriftWindow } from './drift-window.ts';
export { overview, type TOverview } from './overview.ts';
export { reviewInbox, type TInboxItem } from './review-inbox.ts';
export { NO_MODEL_VERSION, type TTurnStats, turnStats, turnStatsByHour } from './turn-stats.ts';
