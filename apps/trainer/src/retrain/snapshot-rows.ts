import type { ExampleSource, Split } from '@acsa/db';

export type TSnapshotRow = {
  text: string;
  /** Normalised text: one row per key in a version. */
  key: string;
  intent: string;
  split: Split;
  source: ExampleSource;
  origin: string | null;
  entities: unknown;
};

/** A message as reviewers labeled it: the agreed intent and the spans that go with it. */
export type TLabeledText = { key: string; text: string; intent: string; entities: unknown; origin: string };

export type TSnapshotRows = {
  rows: TSnapshotRow[];
  counts: { train: number; dev: number; test: number; labels: number; heldBack: number };
};

/**
 * The rows of a new snapshot. The test split is the previous snapshot's, unchanged, when there is one
 * (so every run is judged on the same rows), else the sources' test rows. No text of the test split is
 * ever trained on: source rows whose split is test but that are not in the frozen set, and rows or labels
 * whose text is a test row, are held back. Reviewers' labels win over a source row with the same text,
 * spans included: a span a reviewer removed or moved must not come back from the source.
 */
export function buildSnapshotRows(input: {
  sources: readonly TSnapshotRow[];
  labels: readonly TLabeledText[];
  frozenTest: readonly TSnapshotRow[] | null;
}): TSnapshotRows {
  const test = new Map<string, TSnapshotRow>();
  for (const r of input.frozenTest ?? input.sources.filter((s) => s.split === 'TEST'))
    if (!test.has(r.key)) test.set(r.key, { ...r, split: 'TEST' });
  let heldBack = 0;
  const rest = new Map<string, TSnapshotRow>();
  for (const r of input.sources) {
    // A test-split text outside the frozen set, or a train/dev text that is a test row: never trained on.
    if (r.split === 'TEST' ? !test.has(r.key) : test.has(r.key)) heldBack++;
    else if (r.split !== 'TEST' && !rest.has(r.key)) rest.set(r.key, r);
  }
  let labels = 0;
  for (const l of input.labels) {
    if (test.has(l.key)) {
      heldBack++;
      continue;
    }
    const before = rest.get(l.key);
    rest.set(l.key, {
      text: l.text,
      key: l.key,
      intent: l.intent,
      split: before?.split ?? 'TRAIN',
      source: 'LABEL',
      origin: l.origin,
      entities: l.entities,
    });
    labels++;
  }
  const rows = [...rest.values(), ...test.values()];
  const count = (s: Split) => rows.filter((r) => r.split === s).length;
  return {
    rows,
    counts: { train: count('TRAIN'), dev: count('DEV'), test: count('TEST'), labels, heldBack },
  };
}
