import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCorpus } from '@acsa/corpus';
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
  testServiceUrls,
} from '@acsa/db/testing';
import { createRetrainClient, type TRetrainClient } from '@acsa/pipelines/retrain';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertDataset, sandboxPids, TINY, waitForRun } from './fixtures.ts';

// The whole trainer process dies (OOM killer, lost machine) while a CPU step runs. Nothing of it is left
// to report the failure: the step is found again by BullMQ's stalled-job check in the next trainer,
// whose settings here are shortened from the production ones (30 s) so that it notices within seconds.
const STALLED = { WORKER_LOCK_DURATION_MS: '2000', WORKER_STALLED_INTERVAL_MS: '1000' };
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const TSX = createRequire(import.meta.url).resolve('tsx');

let db: TestDatabase;
let redis: TestRedis;
let connection: Redis;
let retrain: TRetrainClient;
const trainers: ChildProcess[] = [];
const workDir = mkdtempSync(path.join(tmpdir(), 'acsa-trainer-'));

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

/** Starts `npm start`'s trainer as a process group of its own (it and its sandboxed steps); resolves once up. */
async function startTrainer(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', TSX, MAIN], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: `${redis.prefix}bull`,
      TRAINER_PORT: String(await freePort()),
      TRAINER_WORK_DIR: workDir,
      STEP_BACKOFF_MS: '100',
      LABEL_TRIGGER_COUNT: '0',
      RETRAIN_CRON: 'off',
      ...STALLED,
    },
  });
  trainers.push(child);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('trainer up')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) =>
      reject(new Error(`the trainer exited (${code ?? signal}) before it was up:\n${output}`)),
    );
  });
  return child;
}

/** What a crash does to the trainer and everything it started: SIGKILL to its whole process group. */
async function crash(trainer: ChildProcess): Promise<void> {
  const exited = new Promise((r) => trainer.once('exit', r));
  process.kill(-trainer.pid!, 'SIGKILL');
  await exited;
}

/** Whether a process runs (a zombie, dead but not yet reaped by whoever inherited it, does not). */
function running(pid: number): boolean {
  try {
    return !execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).startsWith('Z');
  } catch {
    return false;
  }
}

beforeAll(async () => {
  const urls = testServiceUrls();
  [db, redis] = await Promise.all([createTestDatabase(urls.databaseUrl), createTestRedis(urls.redisUrl)]);
  await insertDataset(db.prisma, 'bootstrap', generateCorpus({ seed: 1, perIntent: 20 }));
  connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  retrain = createRetrainClient({ prisma: db.prisma, connection, prefix: `${redis.prefix}bull` });
});
afterAll(async () => {
  for (const t of trainers) if (t.exitCode === null && t.signalCode === null) await crash(t);
  await retrain?.close();
  connection?.disconnect();
  await Promise.all([db?.drop(), redis?.cleanup()]);
});

describe('a trainer process killed mid-run', () => {
  it('leaves its step to the next trainer, and the run completes with exactly one new version', async () => {
    const { prisma } = db;
    const first = await startTrainer();
    const { runId } = await retrain.request({ trigger: 'MANUAL', config: TINY });
    const until = Date.now() + 60_000;
    for (;;) {
      const step = await prisma.trainingStep.findUniqueOrThrow({
        where: { runId_name: { runId, name: 'train' } },
      });
      if (step.status === 'RUNNING' && step.progress >= 10) break;
      if (Date.now() > until) throw new Error('training never got under way');
      await new Promise((r) => setTimeout(r, 50));
    }
    // The training runs in a sandboxed process of the trainer's: the crash takes both.
    const sandbox = sandboxPids(first.pid);
    expect(sandbox).toHaveLength(1);
    await crash(first);
    expect(running(sandbox[0]!)).toBe(false);
    expect(await prisma.trainingRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({
      status: 'RUNNING',
    });

    await startTrainer();
    const run = await waitForRun(prisma, runId, ['SUCCEEDED', 'REJECTED', 'FAILED'], 60_000);
    expect(run.status, run.error ?? '').toBe('SUCCEEDED');
    expect(await prisma.modelVersion.count({ where: { trainingRunId: runId } })).toBe(1);
    expect(await prisma.modelVersion.count()).toBe(1);
    const train = await prisma.trainingStep.findUniqueOrThrow({
      where: { runId_name: { runId, name: 'train' } },
    });
    expect(train).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
    const logs = await prisma.trainingLog.findMany({
      where: { runId, step: 'train' },
      orderBy: { id: 'asc' },
    });
    expect(logs.map((l) => l.message)).toEqual(
      expect.arrayContaining([
        'train started (attempt 1 of 3)',
        'train: the trainer running it stopped answering (its lock lapsed); the step runs again',
        'train started (attempt 2 of 3)',
      ]),
    );
  });
});
