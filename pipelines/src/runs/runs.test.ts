import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
  testServiceUrls,
  withAuditRefused,
} from '@acsa/db/testing';
import { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TActor } from '../access/roles.ts';
import { QUEUES } from '../queues.ts';
import { retrainCancelChannel } from '../retrain/cancel-signal.ts';
import { holdNextStep } from '../retrain/held-step.ts';
import { createRetrainClient, type TRetrainClient } from '../retrain/retrain-client.ts';
import { stepJobId } from '../retrain/steps.ts';
import { makeUser } from '../workbench-fixtures.ts';
import { listRuns } from './list-runs.ts';
import { cancelRun, replayRun, startRun } from './run-actions.ts';
import { runEvents, type TRunEvent } from './run-events.ts';

let db: TestDatabase;
let redis: TestRedis;
let client: TRetrainClient;
let queue: Queue;
let connection: Redis;
let eli: TActor;
const prefix = () => `${redis.prefix}bull`;

beforeAll(async () => {
  const urls = testServiceUrls();
  [db, redis] = await Promise.all([createTestDatabase(urls.databaseUrl), createTestRedis(urls.redisUrl)]);
  connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  client = createRetrainClient({ prisma: db.prisma, connection, prefix: prefix() });
  queue = new Queue(QUEUES.retrain, { connection, prefix: prefix() });
  eli = await makeUser(db.prisma, 'ENGINEER', 'eli');
});
afterAll(async () => {
  await Promise.all([client?.close(), queue?.close()]);
  connection?.disconnect();
  await Promise.all([db?.drop(), redis?.cleanup()]);
});

describe('retraining runs from the console', () => {
  it('starts a run with a mode and preset, lists it, and cancels it while no step runs', async () => {
    const started = await startRun(db.prisma, eli, client, { mode: 'shadow', preset: 'small' });
    expect(started).toMatchObject({ started: true, status: 'QUEUED' });
    const again = await startRun(db.prisma, eli, client, { mode: 'direct', preset: 'full' });
    expect(again).toMatchObject({ started: false, runId: started.runId });
    expect((await listRuns(db.prisma))[0]).toMatchObject({
      id: started.runId,
      status: 'QUEUED',
      mode: 'SHADOW',
      preset: 'small',
      requestedBy: eli.email,
    });

    await expect(
      cancelRun(db.prisma, eli, client, { runId: started.runId, reason: '' }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    const cancelled = await cancelRun(db.prisma, eli, client, {
      runId: started.runId,
      reason: 'wrong preset',
    });
    expect(cancelled).toEqual({
      id: started.runId,
      status: 'CANCELLED',
      error: `cancelled by ${eli.email}: wrong preset`,
      stopping: null,
    });
    // The engineer by bare email with the id the entry points at; what `stopping` says is not in it.
    expect(
      await db.prisma.auditLog.findFirstOrThrow({
        where: { action: 'retrain.cancel', targetId: started.runId },
      }),
    ).toMatchObject({
      actorType: 'USER',
      actorId: eli.id,
      actor: eli.email,
      data: {
        before: { status: 'QUEUED' },
        after: { id: started.runId, status: 'CANCELLED', error: `cancelled by ${eli.email}: wrong preset` },
      },
    });
    // Every step left the queues: nothing will run.
    expect(await Job.fromId(queue, stepJobId(started.runId, 'promote'))).toBeUndefined();
    expect(await Job.fromId(queue, stepJobId(started.runId, 'snapshot'))).toBeUndefined();
    const steps = await db.prisma.trainingStep.findMany({ where: { runId: started.runId } });
    expect(new Set(steps.map((s) => s.status))).toEqual(new Set(['SKIPPED']));
    await expect(
      cancelRun(db.prisma, eli, client, { runId: started.runId, reason: 'again' }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(
      (await db.prisma.auditLog.findMany({ where: { targetId: started.runId }, orderBy: { id: 'asc' } })).map(
        (a) => a.action,
      ),
    ).toEqual(['retrain.request', 'retrain.request', 'retrain.cancel']);
  });

  it('replays a finished run with its configuration; cancels it in the middle of a step and tells the trainers', async () => {
    const [first] = await listRuns(db.prisma);
    const replay = await replayRun(db.prisma, eli, client, first!.id);
    expect(replay.started).toBe(true);
    const run = await db.prisma.trainingRun.findUniqueOrThrow({ where: { id: replay.runId } });
    expect(run).toMatchObject({ mode: 'SHADOW', trigger: 'MANUAL', requestedById: eli.id });
    expect(run.config).toMatchObject({ preset: 'small', mode: 'shadow' });
    await expect(replayRun(db.prisma, eli, client, replay.runId)).rejects.toMatchObject({ code: 'CONFLICT' });

    // A worker takes the first step and holds it: BullMQ cannot take it off the queue, so the cancel is
    // announced on the trainers' channel instead.
    const listener = new Redis(redis.url);
    const signals: string[] = [];
    listener.on('message', (_channel, message) => signals.push(message));
    await listener.subscribe(retrainCancelChannel(prefix()));
    const step = holdNextStep(redis.url, prefix());
    try {
      await step.taken;
      await db.prisma.trainingStep.update({
        where: { runId_name: { runId: replay.runId, name: 'snapshot' } },
        data: { status: 'RUNNING' },
      });
      const cancelled = await cancelRun(db.prisma, eli, client, { runId: replay.runId, reason: 'too slow' });
      expect(cancelled).toMatchObject({
        status: 'CANCELLED',
        error: `cancelled by ${eli.email}: too slow`,
        stopping: { step: 'snapshot' },
      });
      await expect.poll(() => signals).toEqual([replay.runId]);
      const steps = await db.prisma.trainingStep.findMany({
        where: { runId: replay.runId },
        orderBy: { position: 'asc' },
      });
      // The executing step is the trainer's to close once it has stopped; the rest will never run.
      expect(steps.map((s) => s.status)).toEqual(['RUNNING', ...Array(5).fill('SKIPPED')]);
      const logs = await db.prisma.trainingLog.findMany({
        where: { runId: replay.runId },
        orderBy: { id: 'desc' },
        take: 1,
      });
      expect(logs.map((l) => l.message)).toEqual([`cancelled by ${eli.email}: too slow; stopping snapshot`]);
      await expect(
        cancelRun(db.prisma, eli, client, { runId: replay.runId, reason: 'again' }),
      ).rejects.toMatchObject({ code: 'CONFLICT' });
    } finally {
      await step.close();
      listener.disconnect();
    }
  });

  it('leaves a run and its queued steps as they were when its cancel cannot be recorded', async () => {
    const started = await startRun(db.prisma, eli, client, { mode: 'shadow', preset: 'small' });
    expect(started).toMatchObject({ started: true });
    await withAuditRefused(db.prisma, 'retrain.cancel', async () => {
      await expect(
        cancelRun(db.prisma, eli, client, { runId: started.runId, reason: 'wrong preset' }),
      ).rejects.toThrow(/audit log refused/);
    });
    // Still active, and still able to run: its steps wait on the queue.
    expect(await db.prisma.trainingRun.findUniqueOrThrow({ where: { id: started.runId } })).toMatchObject({
      status: 'QUEUED',
      error: null,
    });
    expect(await Job.fromId(queue, stepJobId(started.runId, 'snapshot'))).toBeDefined();
    expect(await Job.fromId(queue, stepJobId(started.runId, 'promote'))).toBeDefined();

    // Tried again once the entry can be written: cancelled, recorded, and nothing left to run.
    expect(
      await cancelRun(db.prisma, eli, client, { runId: started.runId, reason: 'wrong preset' }),
    ).toMatchObject({ status: 'CANCELLED', stopping: null });
    expect(
      await db.prisma.auditLog.count({ where: { action: 'retrain.cancel', targetId: started.runId } }),
    ).toBe(1);
    expect(await Job.fromId(queue, stepJobId(started.runId, 'snapshot'))).toBeUndefined();
  });

  it('stores a started run with its audit entry or not at all, and records a run that could not be queued', async () => {
    const runs = () => db.prisma.trainingRun.count();
    const jobs = async () => (await queue.getJobs()).length;
    const [runsBefore, jobsBefore] = [await runs(), await jobs()];
    // The audit log refuses the entry: the request must leave no run behind and queue nothing.
    await withAuditRefused(db.prisma, 'retrain.%', async () => {
      await expect(startRun(db.prisma, eli, client, { mode: 'shadow', preset: 'small' })).rejects.toThrow(
        /audit log refused/,
      );
      expect(await runs()).toBe(runsBefore);
      expect(await jobs()).toBe(jobsBefore);
    });

    // The run and its entry are stored together, the entry naming the engineer by bare email.
    const started = await startRun(db.prisma, eli, client, { mode: 'shadow', preset: 'small' });
    expect(started).toMatchObject({ started: true, status: 'QUEUED' });
    expect(await db.prisma.auditLog.findMany({ where: { targetId: started.runId } })).toEqual([
      expect.objectContaining({ action: 'retrain.request', actorId: eli.id, actor: eli.email }),
    ]);
    expect(await Job.fromId(queue, stepJobId(started.runId, 'snapshot'))).toBeDefined();
    await cancelRun(db.prisma, eli, client, { runId: started.runId, reason: 'only a check' });

    // Redis refuses the jobs after the run and its entry are stored: the run is marked failed with the
    // reason, the audit log says so, and the engineer is told plainly.
    // Nothing listens on port 1: every command fails at once.
    const down = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    const offline = createRetrainClient({ prisma: db.prisma, connection: down, prefix: prefix() });
    try {
      const refused = await startRun(db.prisma, eli, offline, { mode: 'direct', preset: 'small' }).catch(
        (e: unknown) => e,
      );
      expect(refused).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/marked failed/) });
      const run = await db.prisma.trainingRun.findFirstOrThrow({ orderBy: { createdAt: 'desc' } });
      expect(run).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/^could not be queued/) });
      const trail = await db.prisma.auditLog.findMany({
        where: { targetId: run.id },
        orderBy: { id: 'asc' },
      });
      expect(trail.map((a) => [a.action, a.actor, a.data])).toEqual([
        [
          'retrain.request',
          eli.email,
          expect.objectContaining({ after: expect.objectContaining({ status: 'QUEUED' }) }),
        ],
        [
          'retrain.request',
          eli.email,
          {
            before: { status: 'QUEUED' },
            after: expect.objectContaining({ status: 'FAILED', mode: 'direct', preset: 'small' }),
          },
        ],
      ]);
    } finally {
      await offline.close().catch(() => undefined);
      down.disconnect();
    }
  });

  it('streams a run’s changes and new log lines until it ends', async () => {
    const run = await db.prisma.trainingRun.create({
      data: { trigger: 'MANUAL', mode: 'NONE', status: 'RUNNING' },
    });
    await db.prisma.trainingLog.create({ data: { runId: run.id, level: 'info', message: 'one' } });
    const events: TRunEvent[] = [];
    const follow = (async () => {
      for await (const e of runEvents(db.prisma, run.id, { intervalMs: 20 })) events.push(e);
    })();
    await new Promise((r) => setTimeout(r, 100));
    await db.prisma.trainingRun.update({ where: { id: run.id }, data: { progress: 40 } });
    await db.prisma.trainingLog.create({ data: { runId: run.id, level: 'info', message: 'two' } });
    await new Promise((r) => setTimeout(r, 100));
    await db.prisma.$transaction([
      db.prisma.trainingLog.create({ data: { runId: run.id, level: 'info', message: 'three' } }),
      db.prisma.trainingRun.update({ where: { id: run.id }, data: { status: 'SUCCEEDED', progress: 100 } }),
    ]);
    await follow;
    const runs = events.filter((e) => e.event === 'run').map((e) => [e.data.run.status, e.data.run.progress]);
    expect(runs).toEqual([
      ['RUNNING', 0],
      ['RUNNING', 40],
      ['SUCCEEDED', 100],
    ]);
    const lines = events.flatMap((e) => (e.event === 'log' ? e.data.map((l) => l.message) : []));
    expect(lines).toEqual(['one', 'two', 'three']);

    // Cancelled in the middle of a step: followed until the trainer has stopped the step.
    const cancelled = await db.prisma.trainingRun.create({
      data: {
        trigger: 'MANUAL',
        mode: 'NONE',
        status: 'CANCELLED',
        steps: { create: [{ name: 'train', position: 0, status: 'RUNNING' }] },
      },
    });
    const stopping: TRunEvent[] = [];
    const followStop = (async () => {
      for await (const e of runEvents(db.prisma, cancelled.id, { intervalMs: 20 })) stopping.push(e);
    })();
    await new Promise((r) => setTimeout(r, 100));
    await db.prisma.$transaction([
      db.prisma.trainingStep.updateMany({ where: { runId: cancelled.id }, data: { status: 'SKIPPED' } }),
      db.prisma.trainingLog.create({
        data: { runId: cancelled.id, step: 'train', level: 'warn', message: 'train stopped' },
      }),
    ]);
    await followStop;
    expect(stopping.flatMap((e) => (e.event === 'run' ? [e.data.steps[0]?.status] : []))).toEqual([
      'RUNNING',
      'SKIPPED',
    ]);
    expect(stopping.flatMap((e) => (e.event === 'log' ? e.data.map((l) => l.message) : []))).toEqual([
      'train stopped',
    ]);

    const gone: TRunEvent[] = [];
    for await (const e of runEvents(db.prisma, '00000000-0000-0000-0000-000000000000')) gone.push(e);
    expect(gone.map((e) => e.event)).toEqual(['gone']);
  });
});
