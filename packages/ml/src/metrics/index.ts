export { expectedCalibrationError, fitTemperature, nll } from './calibration.ts';
export { accuracy, macroF1, perIntentScores, type TIntentScores } from './classification.ts';
export { histogram, jensenShannon, percentile, psi, type THistogram } from './drift.ts';
export { bestAtRecall, oosCurve, oosScores, type TOosPoint } from './out-of-scope.ts';
