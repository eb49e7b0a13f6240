export type TSpan = { type: string; start: number; end: number };

export type TTypeScore = {
  type: string;
  gold: number;
  predicted: number;
  truePositives: number;
  precision: number;
  recall: number;
  f1: number;
};

export type TSpanScores = TTypeScore[];

export type TScoreOptions = {
  /** `exact`: same start and end. `overlap`: any shared character, each span matched at most once. */
  match: 'exact' | 'overlap';
  /** Types to score; predictions of other types are ignored. Defaults to the types seen in gold. */
  types?: readonly string[];
};

function matches(a: TSpan, b: TSpan, mode: TScoreOptions['match']): boolean {
  if (a.type !== b.type) return false;
  return mode === 'exact' ? a.start === b.start && a.end === b.end : a.start < b.end && b.start < a.end;
}

const ratio = (n: number, d: number) => (d === 0 ? 0 : n / d);

/** Per-type precision, recall and F1 of predicted spans against gold spans, document by document. */
export function scoreSpans(
  docs: ReadonlyArray<{ gold: readonly TSpan[]; predicted: readonly TSpan[] }>,
  options: TScoreOptions,
): TSpanScores {
  const types = options.types ?? [...new Set(docs.flatMap((d) => d.gold.map((g) => g.type)))].sort();
  const counts = new Map(types.map((t) => [t, { gold: 0, predicted: 0, tp: 0 }]));
  for (const doc of docs) {
    const used = new Set<TSpan>();
    for (const g of doc.gold) {
      const c = counts.get(g.type);
      if (!c) continue;
      c.gold++;
      const hit = doc.predicted.find((p) => !used.has(p) && matches(g, p, options.match));
      if (hit) {
        used.add(hit);
        c.tp++;
      }
    }
    for (const p of doc.predicted) {
      const c = counts.get(p.type);
      if (c) c.predicted++;
    }
  }
  return types.map((type) => {
    const c = counts.get(type)!;
    const precision = ratio(c.tp, c.predicted);
    const recall = ratio(c.tp, c.gold);
    const f1 = ratio(2 * precision * recall, precision + recall);
    return { type, gold: c.gold, predicted: c.predicted, truePositives: c.tp, precision, recall, f1 };
  });
}
