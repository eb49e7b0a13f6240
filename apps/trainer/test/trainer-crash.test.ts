import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
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
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  expectOneVersionAfterRetry,
  insertDataset,
  sandboxPids,
  TINY,
  trainingUnderWay,
  waitForRun,
} from './fixtures.ts';

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

/** SIGKILL to whatever is left of a trainer's process group (nothing, normally). */
function killGroup(trainer: ChildProcess): void {
  try {
    process.kill(-trainer.pid!, 'SIGKILL');
  } catch {
    // the group is empty
  }
}

/** Whether a process runs (a zombie, dead but not yet reaped by whoever inherited it, does not). */
function running(pid: number): boolean {
  try {
    return !execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).startsWith('Z');
  } catch {
    return false;
  }
}

/** Polls `done` every 50 ms until it holds; fails after `timeoutMs`, saying what it was waiting for. */
async function until(what: string, done: () => boolean | Promise<boolean>, timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > end) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** CPU time a process has used (user and system), from /proc. */
function cpuSeconds(pid: number): number {
  try {
    // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are
    // the 12th and 13th, in clock ticks (100 a second on Linux).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** The run, its training taken back from a dead trainer by the next one, completes with exactly one new version. */
async function completesWithOneVersion(runId: string, versionsBefore: number): Promise<void> {
  const logs = await expectOneVersionAfterRetry(db.prisma, runId, versionsBefore, 60_000);
  expect(logs).toEqual(
    expect.arrayContaining([
      'train started (attempt 1 of 3)',
      'train: the trainer running it stopped answering (its lock lapsed); the step runs again',
      'train started (attempt 2 of 3)',
    ]),
  );
}

beforeAll(async () => {
  const urls = testServiceUrls();
  [db, redis] = await Promise.all([createTestDatabase(urls.databaseUrl), createTestRedis(urls.redisUrl)]);
  await insertDataset(db.prisma, 'bootstrap', generateCorpus({ seed: 1, perIntent: 20 }));
  connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  retrain = createRetrainClient({ prisma: db.prisma, connection, prefix: `${redis.prefix}bull` });
});
// Each case starts with no trainer, so that the one it starts is the one that takes the step.
afterEach(() => {
  for (const t of trainers.splice(0)) killGroup(t);
});
afterAll(async () => {
  await retrain?.close();
  connection?.disconnect();
  await Promise.all([db?.drop(), redis?.cleanup()]);
});

describe('a trainer process killed mid-run', () => {
  it('leaves its step to the next trainer, and the run completes with exactly one new version', async () => {
    const { prisma } = db;
    const first = await startTrainer();
    const { runId } = await retrain.request({ trigger: 'MANUAL', config: TINY });
    await trainingUnderWay(db.prisma, runId);
    // The training runs in a sandboxed process of the trainer's: the crash takes both.
    const sandbox = sandboxPids(first.pid);
    expect(sandbox).toHaveLength(1);
    await crash(first);
    expect(running(sandbox[0]!)).toBe(false);
    expect(await prisma.trainingRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({
      status: 'RUNNING',
    });

    await startTrainer();
    await completesWithOneVersion(runId, 0);
  });

  it('alone, without its process group: its sandboxed process exits too, and the run completes', async () => {
    const { prisma } = db;
    const versionsBefore = await prisma.modelVersion.count();
    const first = await startTrainer();
    // A teacher that trains for several seconds, during which the sandbox's event loop answers nothing.
    const config = { ...TINY, teacher: { epochs: 80, patience: 80 } };
    const { runId } = await retrain.request({ trigger: 'MANUAL', config });
    let sandbox: number | undefined;
    await until('the sandboxed process to be training', () => {
      sandbox ??= sandboxPids(first.pid)[0];
      // Starting (tsx, TensorFlow.js) takes about a second of CPU; by three it is training.
      return sandbox !== undefined && cpuSeconds(sandbox) >= 3;
    });
    const exited = new Promise((r) => first.once('exit', r));
    process.kill(first.pid!, 'SIGKILL');
    await exited;
    // Left alone, it would train to the end of the stage and then write the bundles its retry writes.
    await until(
      `sandboxed process ${sandbox} to exit after its trainer died`,
      () => !running(sandbox!),
      2_000,
    );

    await startTrainer();
    await completesWithOneVersion(runId, versionsBefore);
  });
});

describe('a long training in a sandboxed step', () => {
  it('reports its progress while the teacher trains, not only once the stage ends', async () => {
    await startTrainer();
    const config = { ...TINY, teacher: { epochs: 80, patience: 80 } };
    const { runId } = await retrain.request({ trigger: 'MANUAL', config });
    // The teacher is the first 55 % of the train step (factoryPercent): what is seen below that.
    const seen = new Set<number>();
    await until('the teacher stage to end', async () => {
      const step = await db.prisma.trainingStep.findUnique({
        where: { runId_name: { runId, name: 'train' } },
      });
      const p = step?.progress ?? 0;
      if (p > 0 && p < 55) seen.add(p);
      return p >= 55 || step?.status === 'FAILED';
    });
    expect(
      [...seen].length,
      `progress seen during the teacher: ${[...seen].join(', ')}`,
    ).toBeGreaterThanOrEqual(3);
    const run = await waitForRun(db.prisma, runId, ['SUCCEEDED', 'REJECTED', 'FAILED'], 60_000);
    expect(run.status, run.error ?? '').toBe('SUCCEEDED');
  });
});
