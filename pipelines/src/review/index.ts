// Server-only: the reviewers' inbox and labeling (PostgreSQL through @acsa/db).
export { skipItem, submitLabel, undoLabel, undoLastLabel } from './label-actions.ts';
export { CLAIM_TTL_MINUTES, nextLabelTasks } from './label-queue.ts';
export {
  reviewInboxCounts,
  reviewInboxList,
  reviewInboxSql,
  type TInboxRow,
} from './review-inbox-list.ts';
export { reviewModelVersion, reviewModelVersions } from './review-model-version.ts';
export {
  REVIEW_REASONS,
  type TEntitySpan,
  type TLabelTask,
  type TReviewFilters,
  type TSuggestion,
  ZEntitySpan,
  ZReviewFilters,
} from './review-types.ts';
export { addedIntentNames, shopIntentNames } from './shop-intents.ts';
