import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createLogger, type Logger } from '@acsa/core/logger';
import { moveAlias, registerModelVersion } from '@acsa/db/registry';
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
  testServiceUrls,
} from '@acsa/db/testing';
import { seedAccess, sha256Hex } from '../../../prisma/seed/access.ts';
import { seedDemoShop } from '../../../prisma/seed/seed.ts';
import { createServingApp, type TServingApp } from '../src/app.ts';
import { loadEnv } from '../src/env.ts';

export const API_KEY = 'acsa_test_key_0123456789abcdefghij';
export const TOKEN_SECRET = 'test-customer-token-secret-0123456789abcdef';
export const SEED_NOW = new Date('2026-11-20T00:00:00Z');

export type TestShop = {
  db: TestDatabase;
  redis: TestRedis;
  /** Registers a bundle directory as a new version and returns its id (does not move any alias). */
  register(bundleDir: string, version: string): Promise<string>;
  promote(versionId: string): Promise<void>;
  /** Drops the database and the Redis namespace. */
  drop(): Promise<void>;
};

export type Harness = Omit<TestShop, 'drop'> & {
  serving: TServingApp;
  close(): Promise<void>;
};

/** An API key (stored as its hash): a storefront's publishable one allowed from `origins` unless `kind` says SECRET. */
export async function createApiKey(
  db: TestDatabase,
  key: {
    secret: string;
    kind?: 'PUBLISHABLE' | 'SECRET';
    origins?: string[];
    scopes?: string[];
    name?: string;
    revokedAt?: Date | null;
  },
): Promise<void> {
  await db.prisma.apiKey.create({
    data: {
      name: key.name ?? 'Storefront widget',
      prefix: key.secret.slice(0, 12),
      hash: sha256Hex(key.secret),
      kind: key.kind ?? 'PUBLISHABLE',
      allowedOrigins: key.origins ?? [],
      scopes: key.scopes ?? ['chat', 'feedback'],
      revokedAt: key.revokedAt ?? null,
    },
  });
}

/** A storefront's publishable key allowed from `origins`, with the chat and feedback scopes. */
export const createPublishableKey = (
  db: TestDatabase,
  key: { secret: string; origins: string[]; name?: string; revokedAt?: Date | null },
): Promise<void> => createApiKey(db, key);

export async function registerBundle(db: TestDatabase, bundleDir: string, version: string): Promise<string> {
  const manifest = JSON.parse(readFileSync(path.join(bundleDir, 'manifest.json'), 'utf8'));
  const onnx = readFileSync(path.join(bundleDir, 'model.onnx'));
  manifest.name = version;
  const row = await registerModelVersion(db.prisma, { version, kind: manifest.variant, manifest, onnx });
  return row.id;
}

/**
 * A test database of its own (a small seeded shop: 300 customers, 1,000 orders including 10042) and Redis
 * namespace, with `bundleDir` registered and in production (unless null), for a serving app to run on.
 */
export async function createTestShop(options: { bundleDir: string | null }): Promise<TestShop> {
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
  return {
    db,
    redis,
    register,
    promote,
    async drop() {
      await Promise.all([db.drop(), redis.cleanup()]);
    },
  };
}

/** A serving app in this process, on a test shop of its own (see createTestShop). */
export async function startServing(options: {
  bundleDir: string | null;
  env?: Record<string, string>;
  /** Where serving logs; by default nowhere. */
  logger?: Logger;
}): Promise<Harness> {
  const { drop, ...shop } = await createTestShop(options);
  const { db, redis } = shop;
  const env = loadEnv({
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    CUSTOMER_TOKEN_SECRET: TOKEN_SECRET,
    MODEL_POLL_MS: '500',
    ...options.env,
  });
  const logger = options.logger ?? createLogger({ name: 'serving-test', level: 'silent' });
  const serving = await createServingApp({ env, logger, redisPrefix: redis.prefix });
  return {
    ...shop,
    serving,
    async close() {
      await serving.close();
      await drop();
    },
  };
}

export type TChatReply = {
  sessionToken: string;
  reply: string;
  intent: string;
  confidence: number;
  escalated: boolean;
  escalationId?: string;
  modelVersion: string;
  entities: { type: string; value: string }[];
};

/**
 * A storefront as the API asks it to behave: it keeps the sessionToken each reply carries and sends it with
 * the session's next turn. `post` sends one turn as given (no token unless in the body) and returns the
 * raw response; `chat` expects a 200.
 */
export function storefront(serving: TServingApp, apiKey = API_KEY) {
  const tokens = new Map<string, string>();
  const post = (payload: Record<string, unknown>) =>
    serving.app.inject({
      method: 'POST',
      url: '/v1/chat',
      headers: { authorization: `Bearer ${apiKey}` },
      payload,
    });
  /** The body of a turn of this session, with its token if it has one. */
  const turn = (sessionId: string, text: string, extra: { customerToken?: string } = {}) => {
    const sessionToken = tokens.get(sessionId);
    return { sessionId, text, ...(sessionToken ? { sessionToken } : {}), ...extra };
  };
  return {
    tokens,
    post,
    turn,
    async chat(sessionId: string, text: string, extra: { customerToken?: string } = {}): Promise<TChatReply> {
      const res = await post(turn(sessionId, text, extra));
      if (res.statusCode !== 200) throw new Error(`POST /v1/chat answered ${res.statusCode}: ${res.body}`);
      const body = res.json() as TChatReply;
      tokens.set(sessionId, body.sessionToken);
      return body;
    },
  };
}
