export type TOosScores = { inScopeAccuracy: number; oosRecall: number; oosPrecision: number };

/**
 * In-scope accuracy: correct intent among rows whose gold intent is in scope (predicting out-of-scope for
 * them is an error). Out-of-scope recall/precision: of gold out-of-scope rows, how many were rejected; of
 * rejected rows, how many were truly out of scope. Undefined ratios (no such rows) are null.
 */
export function oosScores(
  gold: readonly string[],
  pred: readonly string[],
  isOos: (intent: string) => boolean,
): { inScopeAccuracy: number | null; oosRecall: number | null; oosPrecision: number | null } {
  let inScope = 0;
  let inScopeOk = 0;
  let oos = 0;
  let rejected = 0;
  let rejectedOk = 0;
  gold.forEach((g, i) => {
    const gOos = isOos(g);
    const pOos = isOos(pred[i]!);
    if (gOos) oos++;
    else {
      inScope++;
      if (g === pred[i]) inScopeOk++;
    }
    if (pOos) {
      rejected++;
      if (gOos) rejectedOk++;
    }
  });
  return {
    inScopeAccuracy: inScope ? inScopeOk / inScope : null,
    oosRecall: oos ? rejectedOk / oos : null,
    oosPrecision: rejected ? rejectedOk / rejected : null,
  };
}

export type TOosCandidate = { gold: string; top: string; confidence: number };
export type TOosPoint = TOosScores & { threshold: number };

/**
 * In-scope accuracy and out-of-scope recall for every confidence threshold worth trying (each distinct
 * confidence): a row is rejected when its top intent is out of scope or its confidence is below the
 * threshold. Sorted by threshold ascending, so recall rises and in-scope accuracy falls along the list.
 */
export function oosCurve(
  rows: readonly TOosCandidate[],
  isOos: (intent: string) => boolean,
  oosLabel: string,
): TOosPoint[] {
  const thresholds = [0, ...new Set(rows.map((r) => r.confidence))].sort((a, b) => a - b);
  // Subsample long lists: a few hundred points trace the curve as well as thousands.
  const step = Math.max(1, Math.floor(thresholds.length / 400));
  const picked = thresholds.filter((_, i) => i % step === 0);
  return picked.map((threshold) => {
    const gold = rows.map((r) => r.gold);
    const pred = rows.map((r) => (isOos(r.top) || r.confidence < threshold ? oosLabel : r.top));
    const s = oosScores(gold, pred, isOos);
    return {
      threshold,
      inScopeAccuracy: s.inScopeAccuracy ?? 0,
      oosRecall: s.oosRecall ?? 0,
      oosPrecision: s.oosPrecision ?? 0,
    };
  });
}

/** The point with the best in-scope accuracy among those reaching `minRecall` (null if none does). */
export function bestAtRecall(curve: readonly TOosPoint[], minRecall: number): TOosPoint | null {
  let best: TOosPoint | null = null;
  for (const p of curve) {
    if (p.oosRecall + 1e-12 < minRecall) continue;
    if (!best || p.inScopeAccuracy > best.inScopeAccuracy) best = p;
  }
  return best;
}
