// Agreement between reviewers on overlap items, and engineers' adjudication of disagreements.
export { adjudicate, adjudicationList } from './adjudication.ts';
export { agreementReport, type TAgreementReport } from './agreement-report.ts';
export { cohensKappa, krippendorffAlpha, specificAgreement } from './agreement-stats.ts';
export { reviewSettings, type TReviewSettings, updateReviewSettings } from './review-settings.ts';
