import { rng, shuffleInPlace } from '../model/rng.ts';
import { DatasetError } from './dataset-error.ts';
import { splitOf, type TLabeledRow } from './read-jsonl.ts';

export type TSplits = {
  labels: string[];
  train: TLabeledRow[];
  dev: TLabeledRow[];
  devSource: 'dev' | 'held-out-train';
};

/**
 * Training rows are those with split `train` (or none); `dev`/`val` rows drive early stopping and
 * calibration. Without any, a stratified tenth of train is held out instead, so nothing is tuned on the
 * rows a user will evaluate on. Each intent needs two training rows: one cannot be learned and checked.
 */
export function prepareSplits(
  rows: readonly TLabeledRow[],
  opts: { seed: number; holdout?: number },
): TSplits {
  let train = rows.filter((r) => splitOf(r) === 'train');
  let dev = rows.filter((r) => splitOf(r) === 'dev');
  const first = rows[0];
  if (train.length === 0) {
    const splits = [...new Set(rows.map(splitOf))].join(', ');
    throw new DatasetError(
      first?.file ?? 'data',
      undefined,
      `no training rows (split "train" or none); found: ${splits}`,
    );
  }
  const byIntent = new Map<string, TLabeledRow[]>();
  for (const r of train) byIntent.set(r.intent, [...(byIntent.get(r.intent) ?? []), r]);
  for (const [intent, rs] of byIntent) {
    if (rs.length < 2) {
      const r = rs[0]!;
      throw new DatasetError(
        r.file,
        r.line,
        `intent "${intent}" has only one training example (need at least 2)`,
      );
    }
  }
  if (byIntent.size < 2)
    throw new DatasetError(first!.file, undefined, 'need at least 2 distinct intents to train');
  let devSource: TSplits['devSource'] = 'dev';
  if (dev.length === 0) {
    devSource = 'held-out-train';
    const rand = rng(opts.seed ^ 0x51ed);
    const held = new Set<TLabeledRow>();
    for (const rs of byIntent.values()) {
      const k = Math.max(1, Math.round(rs.length * (opts.holdout ?? 0.1)));
      for (const r of shuffleInPlace([...rs], rand).slice(0, Math.min(k, rs.length - 1))) held.add(r);
    }
    dev = train.filter((r) => held.has(r));
    train = train.filter((r) => !held.has(r));
  }
  const labels = [...byIntent.keys()].sort();
  const known = new Set(labels);
  return { labels, train, dev: dev.filter((r) => known.has(r.intent)), devSource };
}
