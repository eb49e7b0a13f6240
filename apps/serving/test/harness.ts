import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createLogger } from '@acsa/core/logger';
import { moveAlias, registerModelVersion } from '@acsa/db/registry';
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
  testServiceUrls,
} from '@acsa/db/testing';
import { seedAccess } from '../../../prisma/seed/access.ts';
import { seedDemoShop } from '../../../prisma/seed/seed.ts';
import { createServingApp, type TServingApp } from '../src/app.ts';
import { loadEnv } from '../src/env.ts';

export const API_KEY = 'acsa_test_key_0123456789abcdefghij';
export const TOKEN_SECRET = 'test-customer-token-secret-0123456789abcdef';
export const SEED_NOW = new Date('2026-11-20T00:00:00Z');

export type Harness = {
  serving: TServingApp;
  db: TestDatabase;
  redis: TestRedis;
  /** Registers a bundle directory as a new version and returns its id (does not move any alias). */
  register(bundleDir: string, version: string): Promise<string>;
  promote(versionId: string): Promise<void>;
  close(): Promise<void>;
};

export async function registerBundle(db: TestDatabase, bundleDir: string, version: string): Promise<string> {
  const manifest = JSON.parse(readFileSync(path.join(bundleDir, 'manifest.json'), 'utf8'));
  const onnx = readFileSync(path.join(bundleDir, 'model.onnx'));
  manifest.name = version;
  const row = await registerModelVersion(db.prisma, { version, kind: manifest.variant, manifest, onnx });
  return row.id;
}

/**
 * A serving process wired to its own test database (a small seeded shop: 300 customers, 1,000 orders
 * including 10042) and Redis namespace, with `bundleDir` registered and in production (unless null).
 */
export async function startServing(options: {
  bundleDir: string | null;
  env?: Record<string, string>;
}): Promise<Harness> {
  const { databaseUrl, redisUrl } = testServiceUrls();
  const [db, redis] = await Promise.all([createTestDatabase(databaseUrl), createTestRedis(redisUrl)]);
  await seedDemoShop(db.prisma, { seed: 42, now: SEED_NOW, customers: 300, orders: 1000 });
  await seedAccess(db.prisma, { demoApiKey: API_KEY });
  const register = (dir: string, version: string) => registerBundle(db, dir, version);
  const promote = async (versionId: string) => {
    await moveAlias(db.prisma, {
      alias: 'production',
      toVersionId: versionId,
      kind: 'PROMOTE',
      actor: { type: 'SYSTEM', display: 'system:test' },
    });
  };
  if (options.bundleDir) await promote(await register(options.bundleDir, 'bootstrap-test-1'));
  const env = loadEnv({
    DATABASE_URL: db.url,
    REDIS_URL: redisUrl,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    CUSTOMER_TOKEN_SECRET: TOKEN_SECRET,
    MODEL_POLL_MS: '500',
    ...options.env,
  });
  const logger = createLogger({ name: 'serving-test', level: 'silent' });
  const serving = await createServingApp({ env, logger, redisPrefix: redis.prefix });
  return {
    serving,
    db,
    redis,
    register,
    promote,
    async close() {
      await serving.close();
      await Promise.all([db.drop(), redis.cleanup()]);
    },
  };
}
