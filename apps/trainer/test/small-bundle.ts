import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCorpus } from '@acsa/corpus';
import { FEATURIZER_VERSION } from '@acsa/ml/featurize';
import { TRAINING_PRESETS } from '@acsa/pipelines';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The corpus trainer tests learn from: every intent, 60 utterances each (~1,900 rows). */
export const smallCorpus = () => generateCorpus({ seed: 1, perIntent: 60 });

/**
 * The "bootstrap model" of the trainer tests: the small preset cut to two epochs, so a retrain with the
 * full small preset and reviewers' labels is better than it, as a first model is expected to be beaten.
 */
export const WEAK_SPEC = {
  teacher: { ...TRAINING_PRESETS.small.teacher, epochs: 2 },
  student: { ...TRAINING_PRESETS.small.student, epochs: 2 },
  seed: 1,
};

/**
 * A student-int8 bundle of WEAK_SPEC on the small corpus, trained once per checkout and kept in
 * var/test-models under a hash of corpus, spec and featuriser version (a change to any retrains it).
 */
export async function ensureSmallBundle(log: (line: string) => void = () => {}): Promise<string> {
  const rows = smallCorpus();
  const jsonl = `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;
  const key = createHash('sha256')
    .update(jsonl)
    .update(JSON.stringify(WEAK_SPEC))
    .update(String(FEATURIZER_VERSION))
    .digest('hex')
    .slice(0, 16);
  const dir = path.join(ROOT, 'var', 'test-models', `trainer-${key}`);
  const bundle = path.join(dir, 'student-int8');
  if (existsSync(path.join(bundle, 'manifest.json'))) return bundle;
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const data = path.join(tmp, 'corpus.jsonl');
  writeFileSync(data, jsonl);
  log('training the trainer tests’ first model on the small corpus, once per checkout…');
  // Imported here: loading TensorFlow.js costs seconds that a cached bundle does not need.
  const { trainFactory } = await import('@acsa/ml/train');
  await trainFactory({ files: [data], out: tmp, ...WEAK_SPEC });
  // Renamed only when complete, so an interrupted run never leaves a half-written bundle behind.
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return bundle;
}
