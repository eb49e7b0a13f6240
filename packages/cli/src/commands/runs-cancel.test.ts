import { userInfo } from 'node:os';
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
  testServiceUrls,
} from '@acsa/db/testing';
import { QUEUES } from '@acsa/pipelines';
import { createRetrainClient, retrainCancelChannel, type TRetrainClient } from '@acsa/pipelines/retrain';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectDatabase } from '../services.ts';
import { cliInProcess } from './in-process.test-helper.ts';
import { register as registerRuns } from './runs.ts';

// The real connectDatabase, watched: a refusal "before connecting" is one that never called it.
vi.mock('../services.ts', async (original) => {
  const real = await original<typeof import('../services.ts')>();
  return { ...real, connectDatabase: vi.fn(real.connectDatabase) };
});

let db: TestDatabase;
let redis: TestRedis;
let connection: Redis;
let client: TRetrainClient;
let queues: Queue[];
const prefix = () => `${redis.prefix}bull`;
const login = `cli:${userInfo().username}`;
const acsa = cliInProcess(registerRuns);

beforeAll(async () => {
  const urls = testServiceUrls();
  [db, redis] = await Promise.all([createTestDatabase(urls.databaseUrl), createTestRedis(urls.redisUrl)]);
  // What the command reads, as a shell would set it for this database and Redis namespace.
  process.env.DATABASE_URL = db.url;
  process.env.REDIS_URL = redis.url;
  process.env.QUEUE_PREFIX = prefix();
  connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  // The retrain client a trigger uses: the run and its flow of steps in Redis, as the console's Start does.
  client = createRetrainClient({ prisma: db.prisma, connection, prefix: prefix() });
  queues = [QUEUES.retrain, QUEUES.retrainCpu].map(
    (name) => new Queue(name, { connection, prefix: prefix() }),
  );
});
afterAll(async () => {
  await Promise.all([client?.close(), ...(queues ?? []).map((q) => q.close())]);
  connection?.disconnect();
  await Promise.all([db?.drop(), redis?.cleanup()]);
});

/** Jobs of retraining steps in the queues, whatever their state. */
async function queuedSteps(): Promise<number> {
  const counts = await Promise.all(queues.map((q) => q.getJobCounts()));
  return counts.flatMap((c) => Object.values(c)).reduce((a, b) => a + b, 0);
}

async function queuedRun(): Promise<string> {
  const r = await client.request({ trigger: 'MANUAL', reason: 'cli cancel test' });
  expect(r).toMatchObject({ started: true, status: 'QUEUED' });
  return r.runId;
}

describe('acsa runs cancel', () => {
  it('refuses a short --reason or a malformed id before connecting, naming what was wrong', async () => {
    const runId = await queuedRun();
    vi.mocked(connectDatabase).mockClear();
    await expect(acsa('runs', 'cancel', runId.slice(0, 8), '--reason', ' ab ')).rejects.toMatchObject({
      message: '--reason: say why in 3 characters at least, got " ab "',
      exitCode: 1,
    });
    await expect(acsa('runs', 'cancel', runId.slice(0, 7), '--reason', 'wrong data')).rejects.toMatchObject({
      message: `<runId>: at least 8 characters of a run id, got "${runId.slice(0, 7)}"`,
      exitCode: 1,
    });
    await expect(acsa('runs', 'cancel', 'run-1234', '--reason', 'wrong data')).rejects.toThrow(
      '<runId>: "run-1234" is not (the start of) a run id',
    );
    expect(connectDatabase).not.toHaveBeenCalled();
    expect(await db.prisma.trainingRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({
      status: 'QUEUED',
    });
    expect(await db.prisma.auditLog.count({ where: { action: 'retrain.cancel' } })).toBe(0);
  });

  it('cancels a queued run by the first 8 characters of its id: its steps leave the queues, audited as cli:<login>', async () => {
    const [runId] = (await db.prisma.trainingRun.findMany({ where: { status: 'QUEUED' } })).map((r) => r.id);
    expect(await queuedSteps()).toBeGreaterThan(0);

    expect(await acsa('runs', 'cancel', runId!.slice(0, 8).toUpperCase(), '--reason', 'wrong data')).toBe(
      `run ${runId} cancelled`,
    );
    expect(connectDatabase).toHaveBeenCalled();
    expect(await queuedSteps()).toBe(0);
    const run = await db.prisma.trainingRun.findUniqueOrThrow({
      where: { id: runId! },
      include: { steps: true },
    });
    expect(run).toMatchObject({ status: 'CANCELLED', error: `cancelled by ${login}: wrong data` });
    expect(new Set(run.steps.map((s) => s.status))).toEqual(new Set(['SKIPPED']));
    expect(await db.prisma.auditLog.findMany({ where: { action: 'retrain.cancel' } })).toEqual([
      expect.objectContaining({
        actorType: 'USER',
        actorId: null,
        actor: login,
        targetType: 'TrainingRun',
        targetId: runId,
        data: {
          before: { status: 'QUEUED' },
          after: { id: runId, status: 'CANCELLED', error: `cancelled by ${login}: wrong data` },
        },
      }),
    ]);

    // Ended: refused with the console's words, exit 1, nothing more recorded.
    await expect(acsa('runs', 'cancel', runId!, '--reason', 'again please')).rejects.toMatchObject({
      message: 'this run already ended (cancelled)',
      exitCode: 1,
    });
    expect(await db.prisma.auditLog.count({ where: { action: 'retrain.cancel' } })).toBe(1);
  });

  it('refuses a prefix that matches several runs, naming how many, or none', async () => {
    const ended = (n: number) => ({
      id: `abcdef01-0000-4000-8000-00000000000${n}`,
      trigger: 'SCHEDULE' as const,
      mode: 'NONE' as const,
      status: 'SUCCEEDED' as const,
    });
    await db.prisma.trainingRun.createMany({ data: [ended(1), ended(2)] });
    await expect(acsa('runs', 'cancel', 'abcdef01-', '--reason', 'wrong data')).rejects.toMatchObject({
      message: '<runId>: "abcdef01-" starts the ids of 2 runs: give more of the id',
      exitCode: 1,
    });
    await expect(acsa('runs', 'cancel', 'abcdef02', '--reason', 'wrong data')).rejects.toThrow(
      '<runId>: no run has an id starting "abcdef02"',
    );
    await expect(acsa('runs', 'cancel', ended(2).id, '--reason', 'wrong data')).rejects.toThrow(
      'this run already ended (succeeded)',
    );
  });

  it('cancels a run in the middle of a step: says which step its trainer is told to stop, and tells the trainers', async () => {
    const listener = new Redis(redis.url);
    const signals: string[] = [];
    listener.on('message', (_channel, message) => signals.push(message));
    await listener.subscribe(retrainCancelChannel(prefix()));
    try {
      const first = await runInSnapshot();
      try {
        expect(await acsa('runs', 'cancel', first.runId.slice(0, 13), '--reason', 'too slow')).toBe(
          `run ${first.runId} cancelled; the trainer running snapshot is told to stop`,
        );
      } finally {
        await first.close();
      }
      const second = await runInSnapshot();
      try {
        const r = JSON.parse(await acsa('runs', 'cancel', second.runId, '--reason', 'too slow', '--json'));
        expect(r).toEqual({
          id: second.runId,
          status: 'CANCELLED',
          error: `cancelled by ${login}: too slow`,
          stopping: { step: 'snapshot' },
        });
      } finally {
        await second.close();
      }
      await expect.poll(() => signals).toEqual([first.runId, second.runId]);
    } finally {
      listener.disconnect();
    }
  });
});

/**
 * A new run whose first step a trainer holds (BullMQ cannot take it off the queue), its step row RUNNING as
 * the trainer marks it. `close` releases the step and ends the worker.
 */
async function runInSnapshot() {
  const runId = await queuedRun();
  let release = () => {};
  const held = new Promise<void>((r) => {
    release = r;
  });
  let taken = () => {};
  const inStep = new Promise<void>((r) => {
    taken = r;
  });
  const own = connection.duplicate();
  const worker = new Worker<{ runId: string }>(
    QUEUES.retrain,
    async (job) => {
      // An earlier run's job left behind is not this run's step: let it go.
      if (job.data.runId !== runId) return;
      taken();
      await held;
    },
    { connection: own, prefix: prefix() },
  );
  await inStep;
  await db.prisma.trainingStep.update({
    where: { runId_name: { runId, name: 'snapshot' } },
    data: { status: 'RUNNING' },
  });
  return {
    runId,
    async close() {
      release();
      await worker.close(true);
      own.disconnect();
    },
  };
}
