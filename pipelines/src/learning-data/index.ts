// Server-only: labels becoming training data — dataset versions, new labels since the last run, the button.
export { agreedIntent } from './agreed-intent.ts';
export { countDatasetVersions, listDatasetVersions, type TDatasetVersionView } from './dataset-versions.ts';
export { newLabelsSinceRetrain } from './new-labels.ts';
export { retrainRunView, type TRunView } from './run-view.ts';
export { startRetrainFromConsole } from './start-retrain.ts';
