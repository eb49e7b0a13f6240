import { isOutOfScope } from '../data/read-jsonl.ts';
import { fitTemperature } from '../metrics/calibration.ts';
import { bestAtRecall, oosCurve } from '../metrics/out-of-scope.ts';
import { argmax, softmax } from '../model/bag-mlp.ts';

export type TCalibration = {
  temperature: number;
  oosLabel: string | null;
  oosThreshold: number | null;
  lowConfidence: number;
};

/**
 * Fits the temperature on dev logits, then the out-of-scope threshold: when the labels include an
 * out-of-scope class and dev has such rows, the lowest calibrated confidence that rejects at least
 * `oosTargetRecall` of them (rejecting more costs in-scope accuracy). The low-confidence mark is where dev
 * predictions below it are right less than half of the time.
 */
export function calibrate(opts: {
  logits: Float32Array[];
  labels: Int32Array;
  labelNames: readonly string[];
  oosTargetRecall: number;
}): TCalibration {
  const { logits, labels, labelNames } = opts;
  const temperature = fitTemperature(logits, labels);
  const scored = logits.map((z, i) => {
    const p = softmax(z, temperature);
    const top = argmax(p);
    return { gold: labelNames[labels[i]!]!, top: labelNames[top]!, confidence: p[top]! };
  });
  const oosLabel = labelNames.find(isOutOfScope) ?? null;
  let oosThreshold: number | null = null;
  if (oosLabel && scored.some((s) => isOutOfScope(s.gold))) {
    const point = bestAtRecall(oosCurve(scored, isOutOfScope, oosLabel), opts.oosTargetRecall);
    oosThreshold = point?.threshold ?? 0;
  }
  return { temperature, oosLabel, oosThreshold, lowConfidence: lowConfidenceMark(scored) };
}

function lowConfidenceMark(scored: Array<{ gold: string; top: string; confidence: number }>): number {
  const sorted = [...scored].sort((a, b) => a.confidence - b.confidence);
  let mark = 0;
  let right = 0;
  sorted.forEach((s, i) => {
    if (s.gold === s.top) right++;
    if (right / (i + 1) < 0.5) mark = s.confidence;
  });
  return mark;
}
