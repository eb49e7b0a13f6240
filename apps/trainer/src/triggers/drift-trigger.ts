import { driftAlertReason, type TDriftAlert } from '@acsa/pipelines';
import type { TRetrainRequest, TRetrainRequestResult } from '@acsa/pipelines/retrain';

/**
 * The drift alert's action: a retraining run with the alert as its reason. While a run is active the
 * alert is noted on that run instead (one run at a time), so a burst of drifting windows starts one run.
 */
export function retrainOnDrift(
  requestRetrain: (input: TRetrainRequest) => Promise<TRetrainRequestResult>,
): (alert: TDriftAlert) => Promise<TRetrainRequestResult> {
  return (alert) => requestRetrain({ trigger: 'DRIFT', reason: driftAlertReason(alert) });
}
