import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { TManifest } from '../bundle/manifest.ts';
import { sha256 } from '../bundle/write-bundle.ts';
import { prepareSplits } from '../data/prepare-splits.ts';
import { readLabeledJsonl } from '../data/read-jsonl.ts';
import { featurize } from '../featurize/featurize.ts';
import { featurizerConfig } from '../featurize/featurizer-config.ts';
import { parameterCount } from '../model/bag-mlp.ts';
import { exportOnnx } from '../onnx/export-onnx.ts';
import { selectBackend } from './backend.ts';
import { finalizeVariant } from './finalize-variant.ts';
import { vocabularyHashes } from './reference-stats.ts';
import { trainBagMlp } from './train-bag-mlp.ts';

/**
 * The classic baseline the factory must beat: the same hashed word and character n-grams feeding a linear
 * softmax classifier (no hidden layer), trained on the same split and written as a bundle of its own.
 */
export async function trainBaseline(opts: {
  files: string[];
  out: string;
  seed?: number;
  log?: (line: string) => void;
}): Promise<{ manifest: TManifest; seconds: number }> {
  const t0 = performance.now();
  const seed = opts.seed ?? 1;
  const rows = opts.files.flatMap((f) => readLabeledJsonl(f));
  const splits = prepareSplits(rows, { seed });
  const backend = await selectBackend(opts.log);
  const cfg = featurizerConfig({ buckets: 1 << 17 });
  const index = new Map(splits.labels.map((l, i) => [l, i]));
  const mk = (rs: typeof rows) => ({
    bags: rs.map((r) => featurize(r.text, cfg)),
    labels: Int32Array.from(rs.map((r) => index.get(r.intent)!)),
  });
  const { model } = await trainBagMlp(mk(splits.train), mk(splits.dev), {
    shape: { buckets: cfg.buckets, embDim: 0, hidden: [], classes: splits.labels.length, linear: true },
    epochs: 5,
    batchSize: 64,
    lr: 1e-2,
    dropout: 0,
    featureDropout: 0,
    labelSmoothing: 0,
    patience: 2,
    seed,
    ...(opts.log ? { log: opts.log } : {}),
  });
  const seconds = (performance.now() - t0) / 1000;
  const manifest = await finalizeVariant({
    dir: opts.out,
    onnx: exportOnnx([model], 'fp32', { name: 'baseline' }),
    dev: splits.dev,
    labels: splits.labels,
    oosTargetRecall: 0.75,
    vocabulary: vocabularyHashes(splits.train.map((r) => r.text)),
    draft: {
      name: path.basename(opts.out),
      variant: 'baseline',
      createdAt: new Date().toISOString(),
      model: {
        precision: 'fp32',
        architecture: {
          members: [{ buckets: cfg.buckets, embDim: splits.labels.length, hidden: [] }],
          parameters: parameterCount(model),
        },
      },
      labels: splits.labels,
      featurizer: cfg,
      lineage: {
        datasets: opts.files.map((f) => ({
          file: path.resolve(f),
          sha256: sha256(readFileSync(f)),
          rows: rows.length,
        })),
        teacherSha256: null,
        pipelineRunId: null,
        backend,
        seed,
        trainSeconds: seconds,
        trainRows: splits.train.length,
        devRows: splits.dev.length,
        devSource: splits.devSource,
      },
    },
  });
  return { manifest, seconds };
}
