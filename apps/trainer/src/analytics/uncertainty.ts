export type TScored = { intent: string; confidence: number };

/**
 * How unsure a prediction is, from its top-k: 1 − (p₁ − p₂), so a near tie between the two best intents
 * scores close to 1 and a clear winner close to 0. A top-k of one leaves p₂ unknown; the mass left over
 * (1 − p₁) is assumed to sit on a single runner-up, the most uncertain reading.
 */
export function marginUncertainty(topK: readonly TScored[]): number {
  const p1 = topK[0]?.confidence ?? 0;
  const p2 = topK[1]?.confidence ?? Math.max(0, 1 - p1);
  return clamp01(1 - (p1 - p2));
}

/**
 * Normalised entropy of the top-k, with the mass outside it as one more outcome: 0 for a certain
 * prediction, 1 when every listed intent (and the rest) is equally likely.
 */
export function entropyUncertainty(topK: readonly TScored[]): number {
  const ps = topK.map((t) => t.confidence).filter((p) => p > 0);
  const rest = 1 - ps.reduce((s, p) => s + p, 0);
  if (rest > 1e-9) ps.push(rest);
  if (ps.length < 2) return 0;
  const h = -ps.reduce((s, p) => s + p * Math.log(p), 0);
  return clamp01(h / Math.log(ps.length));
}

export type TUncertaintyMeasure = 'margin' | 'entropy';

export const uncertainty = (topK: readonly TScored[], by: TUncertaintyMeasure = 'margin'): number =>
  by === 'entropy' ? entropyUncertainty(topK) : marginUncertainty(topK);

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
