export type TIntentScores = {
  intent: string;
  support: number;
  precision: number;
  recall: number;
  f1: number;
};

export function accuracy(gold: readonly string[], pred: readonly string[]): number {
  if (gold.length === 0) return 0;
  let ok = 0;
  for (let i = 0; i < gold.length; i++) if (gold[i] === pred[i]) ok++;
  return ok / gold.length;
}

/**
 * Precision, recall and F1 per intent over the union of gold and predicted intents (an intent only ever
 * predicted counts with recall 0 and lowers the macro average, as in scikit-learn). 0/0 is taken as 0.
 */
export function perIntentScores(gold: readonly string[], pred: readonly string[]): TIntentScores[] {
  const tp = new Map<string, number>();
  const goldCount = new Map<string, number>();
  const predCount = new Map<string, number>();
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  gold.forEach((g, i) => {
    const p = pred[i]!;
    bump(goldCount, g);
    bump(predCount, p);
    if (g === p) bump(tp, g);
  });
  const intents = [...new Set([...goldCount.keys(), ...predCount.keys()])].sort();
  return intents.map((intent) => {
    const t = tp.get(intent) ?? 0;
    const support = goldCount.get(intent) ?? 0;
    const predicted = predCount.get(intent) ?? 0;
    const precision = predicted ? t / predicted : 0;
    const recall = support ? t / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { intent, support, precision, recall, f1 };
  });
}

export function macroF1(scores: readonly TIntentScores[]): number {
  return scores.length ? scores.reduce((s, x) => s + x.f1, 0) / scores.length : 0;
}
