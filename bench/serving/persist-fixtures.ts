import { randomBytes } from 'node:crypto';
import { uuidv7 } from '@acsa/core/ids';
import type pg from 'pg';

/** The rows a stored turn points at (a model version and a storefront key), in a freshly migrated database. */
export async function persistFixtures(
  db: pg.Pool | pg.Client,
): Promise<{ modelVersionId: string; apiKeyId: string }> {
  const modelVersionId = uuidv7();
  await db.query(
    `INSERT INTO "ModelVersion" (id, version, kind, manifest, sha256, "sizeBytes", "featurizerVersion", labels, metrics)
     VALUES ($1, 'bench', 'student-int8', '{}', 'x', 1, 1, '{}', '{}')`,
    [modelVersionId],
  );
  const apiKeyId = uuidv7();
  await db.query(
    `INSERT INTO "ApiKey" (id, name, prefix, hash, scopes) VALUES ($1, 'bench', 'sk_bench', $2, '{chat}')`,
    [apiKeyId, randomBytes(16).toString('hex')],
  );
  return { modelVersionId, apiKeyId };
}
