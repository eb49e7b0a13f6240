import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { registerModelVersion } from '@acsa/db/registry';
import { createTestDatabase, silentServer, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../../..');
let silent: Awaited<ReturnType<typeof silentServer>>;
let db: TestDatabase;
let redisUrl: string;

beforeAll(async () => {
  silent = await silentServer();
  redisUrl = `redis://:hunter2-not-for-stderr@127.0.0.1:${silent.port}`;
  db = await createTestDatabase(testServiceUrls().databaseUrl);
  const onnx = new TextEncoder().encode('m1');
  await registerModelVersion(db.prisma, {
    version: 'm1',
    kind: 'student-int8',
    onnx,
    manifest: {
      model: { sha256: createHash('sha256').update(onnx).digest('hex') },
      labels: ['a'],
      featurizer: { version: 1 },
      metrics: { dev: { accuracy: 0.9 } },
    },
  });
});
afterAll(async () => {
  await Promise.all([silent?.close(), db?.drop()]);
});

/** Runs the installed CLI as a person would; killed after 20 s so a hang fails the test instead of stalling it. */
function acsa(...args: string[]): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['packages/cli/bin/acsa.mjs', ...args],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: db.url, REDIS_URL: redisUrl }, timeout: 20_000 },
      (error, stdout, stderr) =>
        done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr, ms: Date.now() - started }),
    );
  });
}

describe('commands on a Redis that does not answer', () => {
  it('a command that needs Redis says which one did not answer, in seconds, without its password', async () => {
    const r = await acsa('dlq', 'list');
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      `error: Redis at 127.0.0.1:${new URL(redisUrl).port} did not answer within 3 s: is it running? (REDIS_URL)`,
    );
    // 3 s, plus the CLI's start.
    expect(r.ms).toBeLessThan(12_000);
  }, 25_000);

  it('a move of the production alias goes on without announcing it (serving replicas poll the registry)', async () => {
    const r = await acsa('models', 'promote', 'm1', '--reason', 'first model');
    expect([r.code, r.stdout.trim()]).toEqual([
      0,
      'production: (none) → m1\n  (not announced on Redis: serving replicas pick it up on their next registry poll)',
    ]);
    expect(r.ms).toBeLessThan(12_000);
  }, 25_000);
});
