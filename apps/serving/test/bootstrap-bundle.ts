import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCorpus } from '@acsa/corpus';
import { FEATURIZER_VERSION } from '@acsa/ml/featurize';
import { trainFactory } from '@acsa/ml/train';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Small on purpose: tests need a real model that understands the shop's intents, not the best one. */
const SPEC = {
  teacher: { members: 1, embDim: 64, buckets: 1 << 15, epochs: 4 },
  student: { embDim: 32, buckets: 1 << 14, epochs: 4 },
  seed: 1,
};

/**
 * A student-int8 bundle trained on the bootstrap corpus, built once per checkout (about a minute) and kept
 * in var/test-models under a hash of the corpus, the featuriser version and the spec, so a change to any
 * of them retrains and nothing stale is ever served to a test.
 */
export async function ensureBootstrapBundle(log: (line: string) => void = () => {}): Promise<string> {
  const rows = generateCorpus({ seed: 1 });
  const jsonl = `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;
  const key = createHash('sha256')
    .update(jsonl)
    .update(JSON.stringify(SPEC))
    .update(String(FEATURIZER_VERSION))
    .digest('hex')
    .slice(0, 16);
  const dir = path.join(ROOT, 'var', 'test-models', key);
  const bundle = path.join(dir, 'student-int8');
  if (existsSync(path.join(bundle, 'manifest.json'))) return bundle;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const data = path.join(dir, 'bootstrap.jsonl');
  writeFileSync(data, jsonl);
  log(`training the test model on the bootstrap corpus (${rows.length} rows), once per checkout…`);
  const started = performance.now();
  await trainFactory({ files: [data], out: `${dir}.tmp`, ...SPEC });
  // Renamed only when complete, so an interrupted run never leaves a half-written bundle behind.
  rmSync(dir, { recursive: true, force: true });
  renameSync(`${dir}.tmp`, dir);
  log(`test model ready in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return bundle;
}
