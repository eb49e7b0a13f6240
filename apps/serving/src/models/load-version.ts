import { createHash } from 'node:crypto';
import { FEATURIZER_VERSION } from '@acsa/ml/featurize';
import { ZManifest } from '@acsa/ml/manifest';
import { IntentClassifier } from '@acsa/ml/onnx';
import { sql, type TDb } from '../db/sql.ts';

export class ModelLoadError extends Error {
  constructor(version: string, why: string) {
    super(`model version ${version} cannot be served: ${why}`);
    this.name = 'ModelLoadError';
  }
}

/** Texts every intent model must answer sanely before it takes traffic (the known-answer check). */
const WARMUP_TEXTS = [
  'where is my order',
  'I want a refund',
  'hello',
  'what is the weather on mars',
  'cancel order 10042',
];

/**
 * Loads a registered version from the database, verifies it (sha256 of the bytes against the row and the
 * manifest, manifest schema, featuriser version) and proves it answers: a warm-up batch must give
 * finite, normalised probabilities over the manifest's labels, twice identically. Only then may it serve.
 */
export async function loadModelVersion(db: TDb, versionId: string): Promise<IntentClassifier> {
  const [row] = await db.query<{
    version: string;
    artifact: Buffer | null;
    manifest: unknown;
    sha256: string;
  }>(sql`SELECT version, artifact, manifest, sha256 FROM "ModelVersion" WHERE id = ${versionId}::uuid`);
  if (!row) throw new ModelLoadError(versionId, 'no such version in the registry');
  if (!row.artifact) throw new ModelLoadError(row.version, 'the registry row holds no model bytes');
  const bytes = new Uint8Array(row.artifact);
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== row.sha256)
    throw new ModelLoadError(
      row.version,
      `sha256 mismatch: registry says ${row.sha256}, bytes are ${actual}`,
    );
  const parsed = ZManifest.safeParse(row.manifest);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelLoadError(
      row.version,
      `invalid manifest at "${issue?.path.join('.')}": ${issue?.message}`,
    );
  }
  const manifest = parsed.data;
  if (manifest.model.sha256 !== actual)
    throw new ModelLoadError(row.version, 'the manifest describes other model bytes');
  if (manifest.featurizer.version !== FEATURIZER_VERSION) {
    throw new ModelLoadError(
      row.version,
      `featuriser version ${manifest.featurizer.version} is not one this build computes`,
    );
  }
  let classifier: IntentClassifier;
  try {
    classifier = await IntentClassifier.fromBundle({ dir: `registry:${row.version}`, manifest, onnx: bytes });
  } catch (e) {
    throw new ModelLoadError(row.version, `ONNX Runtime refused it: ${(e as Error).message}`);
  }
  const first = await classifier.predict(WARMUP_TEXTS, { topK: manifest.labels.length });
  const second = await classifier.predict(WARMUP_TEXTS, { topK: manifest.labels.length });
  for (const [i, p] of first.entries()) {
    const sum = p.topK.reduce((s, t) => s + t.confidence, 0);
    const ok =
      Number.isFinite(p.confidence) &&
      Math.abs(sum - 1) < 1e-3 &&
      p.topK.every((t) => manifest.labels.includes(t.intent));
    if (
      !ok ||
      second[i]?.intent !== p.intent ||
      Math.abs((second[i]?.confidence ?? -1) - p.confidence) > 1e-6
    ) {
      throw new ModelLoadError(row.version, `failed the known-answer check on "${WARMUP_TEXTS[i]}"`);
    }
  }
  return classifier;
}
