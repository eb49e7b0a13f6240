import { driftAlertReason, type TDriftAlert } from '@acsa/pipelines';
import type { TRetrainRequest, TRetrainRequestResult } from '@acsa/pipelines/retrain';

/**
 * The drift alert's action: a retraining run with the alert as its reason. While a run is active the
 * alert is noted on that run instead (one run at a time), so a burst of drifting windows starts one run.
 * Only production's drift retrains by itself: the shadow and experiment variants are monitored too, and
 * their alerts are on the drift page, where an engineer may retrain from one; retraining for a model that
 * answers nobody yet would only queue runs behind production's. Null when the alert's version is not
 * production's.
 */
export function retrainOnDrift(
  requestRetrain: (input: TRetrainRequest) => Promise<TRetrainRequestResult>,
  productionVersionId: () => Promise<string | null>,
): (alert: TDriftAlert) => Promise<TRetrainRequestResult | null> {
  return async (alert) => {
    if ((await productionVersionId()) !== alert.modelVersionId) return null;
    return requestRetrain({ trigger: 'DRIFT', reason: driftAlertReason(alert) });
  };
}
