import {
  createTestDatabase,
  createTestRedis,
  rejectionOf,
  type TestDatabase,
  type TestRedis,
  tcpRelay,
  testServiceUrls,
} from '@acsa/db/testing';
import { FlowProducer, Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TActor } from '../access/roles.ts';
import { QUEUES } from '../queues.ts';
import { cancelRun } from '../runs/run-actions.ts';
import { makeUser } from '../workbench-fixtures.ts';
import { holdNextStep } from './held-step.ts';
import { createRetrainClient, type TRetrainClient } from './retrain-client.ts';
import { stepJobId } from './steps.ts';

/** Shortened from 10 s; long enough for a loaded machine's Redis to answer through the relay. */
const TIMEOUT_MS = 1_000;

let db: TestDatabase;
let redis: TestRedis;
let relay: Awaited<ReturnType<typeof tcpRelay>>;
let queue: Queue;
let connection: Redis;
let eli: TActor;
const opened: TRetrainClient[] = [];
const prefix = () => `${redis.prefix}bull`;

beforeAll(async () => {
  const urls = testServiceUrls();
  [db, redis, relay] = await Promise.all([
    createTestDatabase(urls.databaseUrl),
    createTestRedis(urls.redisUrl),
    tcpRelay(urls.redisUrl),
  ]);
  connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  queue = new Queue(QUEUES.retrain, { connection, prefix: prefix() });
  eli = await makeUser(db.prisma, 'ENGINEER', 'eli');
});
afterEach(async () => {
  relay.hear();
  await Promise.all(opened.splice(0).map((c) => c.close()));
  // Each test starts with no active run (its requests would be handed that one) and no queued step.
  await queue.obliterate({ force: true });
  await db.prisma.trainingRun.updateMany({
    where: { status: { in: ['QUEUED', 'RUNNING'] } },
    data: { status: 'CANCELLED' },
  });
});
afterAll(async () => {
  await queue?.close();
  connection?.disconnect();
  await Promise.all([relay?.close(), db?.drop(), redis?.cleanup()]);
});

/** A client as the console makes it (connection options, not an instance), through the relay. */
function consoleClient(url = relay.url()): TRetrainClient {
  const client = createRetrainClient({
    prisma: db.prisma,
    connection: { url, maxRetriesPerRequest: 1, connectTimeout: 2_000 },
    prefix: prefix(),
    timeoutMs: TIMEOUT_MS,
  });
  opened.push(client);
  return client;
}

const port = () => new URL(relay.url()).port;
const ageRun = (id: string) =>
  db.prisma.trainingRun.update({ where: { id }, data: { createdAt: new Date(Date.now() - 3_600_000) } });

describe('the retrain client when Redis does not answer', () => {
  it('fails a run it could not send within the deadline, says so, and starts no second run when unsure', async () => {
    relay.silence();
    const withPassword = new URL(relay.url());
    withPassword.password = 'hunter2';
    const client = consoleClient(withPassword.toString());

    // Silent from the start: the connection never became ready, so nothing of the flow was sent.
    const sentAt = Date.now();
    const error = await rejectionOf(client.request({ trigger: 'MANUAL' }));
    const tookMs = Date.now() - sentAt;
    const run = await db.prisma.trainingRun.findFirstOrThrow({ orderBy: { createdAt: 'desc' } });
    expect(error).toMatchObject({ code: 'UNAVAILABLE' });
    expect(error.message).toBe(
      `the job queue (Redis at 127.0.0.1:${port()}) did not answer within 1 s: run ${run.id} was never sent to it; it is marked failed: try again`,
    );
    expect(tookMs).toBeLessThan(TIMEOUT_MS + 1_500);
    expect(run).toMatchObject({ status: 'FAILED' });

    // A queued run a minute old, whose steps cannot be looked for: it is not replaced.
    await db.prisma.trainingRun.update({ where: { id: run.id }, data: { status: 'QUEUED' } });
    await ageRun(run.id);
    const unsure = await rejectionOf(client.request({ trigger: 'MANUAL' }));
    expect(unsure).toMatchObject({ code: 'UNAVAILABLE' });
    expect(unsure.message).toBe(
      `the job queue (Redis at 127.0.0.1:${port()}) did not answer within 1 s: run ${run.id} is queued, and whether its steps are still queued could not be checked: no second run was started, try again`,
    );
    expect(
      await db.prisma.trainingRun.findMany({ where: { status: { in: ['QUEUED', 'RUNNING'] } } }),
    ).toEqual([expect.objectContaining({ id: run.id, status: 'QUEUED' })]);
  }, 15_000);

  it('works again once Redis answers, though the connection that went silent never does', async () => {
    const client = consoleClient();
    const first = await client.request({ trigger: 'MANUAL' });
    expect(first.started).toBe(true);
    await db.prisma.trainingRun.update({ where: { id: first.runId }, data: { status: 'CANCELLED' } });

    // Silent once the connection was ready: the flow may have been sent, so its run stays queued.
    relay.silence();
    const left = await rejectionOf(client.request({ trigger: 'MANUAL' }));
    const stuck = await db.prisma.trainingRun.findFirstOrThrow({ where: { status: 'QUEUED' } });
    expect(left.message).toBe(
      `the job queue (Redis at 127.0.0.1:${port()}) did not answer within 1 s: run ${stuck.id} stays queued — it starts if the queue took it; if not, a request after a minute replaces it`,
    );
    // At once, the queued run comes back: no second run beside one whose steps may still land.
    expect(await client.request({ trigger: 'LABELS' })).toMatchObject({ started: false, runId: stuck.id });
    // Heard again, but no reset reaches the connection that went silent: only a new one is answered.
    relay.hear({ cut: false });

    // A minute on, the run whose steps never reached the queue is replaced, as the message said.
    await ageRun(stuck.id);
    const next = await client.request({ trigger: 'MANUAL' });
    expect(next).toMatchObject({ started: true, status: 'QUEUED' });
    expect(await db.prisma.trainingRun.findUniqueOrThrow({ where: { id: stuck.id } })).toMatchObject({
      status: 'FAILED',
      error: 'its jobs are gone from the queue',
    });
    expect(await (await Job.fromId(queue, stepJobId(next.runId, 'snapshot')))?.getState()).toBe('waiting');
  }, 15_000);

  it('cancels a run whose steps Redis does not take off the queue, saying so; a cancel whose signal is unanswered stands', async () => {
    const client = consoleClient();
    const silent = await client.request({ trigger: 'MANUAL' });
    relay.silence();
    // Recorded first, so the cancel stands: the steps left queued are refused by the trainer that takes one.
    expect(
      await cancelRun(db.prisma, eli, client, { runId: silent.runId, reason: 'wrong preset' }),
    ).toMatchObject({ status: 'CANCELLED' });
    expect(
      await db.prisma.auditLog.count({ where: { action: 'retrain.cancel', targetId: silent.runId } }),
    ).toBe(1);
    const notes = await db.prisma.trainingLog.findMany({
      where: { runId: silent.runId },
      orderBy: { id: 'asc' },
    });
    expect(notes.map((l) => l.message).slice(1)).toEqual([
      `cancelled by ${eli.email}: wrong preset`,
      `the job queue (Redis at 127.0.0.1:${port()}) did not answer within 1 s: the trainers were not told at once that run ${silent.runId} was cancelled; the trainer running the step stops it when it next checks the run`,
      `the job queue (Redis at 127.0.0.1:${port()}) did not answer within 1 s: run ${silent.runId}'s steps that had not started may still be queued; the run is cancelled all the same: a trainer refuses its steps`,
    ]);

    // Heard again, with a trainer executing the first step of another run: the cancel goes through, and
    // Redis goes silent before the trainers are told. The cancel stands (the trainer finds it in
    // PostgreSQL) and the run's log says the step stops at the trainer's next check.
    relay.hear({ cut: false });
    await queue.obliterate({ force: true });
    const { runId } = await client.request({ trigger: 'MANUAL' });
    const step = holdNextStep(redis.url, prefix());
    try {
      await step.taken;
      const silencing: TRetrainClient = {
        ...client,
        signalCancel: async (id) => {
          relay.silence();
          return client.signalCancel(id);
        },
      };
      const cancelled = await cancelRun(db.prisma, eli, silencing, { runId, reason: 'wrong preset' });
      expect(cancelled).toMatchObject({ status: 'CANCELLED' });
      expect(await db.prisma.auditLog.count({ where: { action: 'retrain.cancel', targetId: runId } })).toBe(
        1,
      );
      const logs = await db.prisma.trainingLog.findMany({ where: { runId }, orderBy: { id: 'asc' } });
      expect(logs.map((l) => l.message)).toContain(
        `the job queue (Redis at 127.0.0.1:${port()}) did not answer within 1 s: the trainers were not told at once that run ${runId} was cancelled; the trainer running the step stops it when it next checks the run`,
      );
    } finally {
      await step.close();
    }
  }, 15_000);

  it('says the connection closed, naming Redis, when it closes while a run is being sent; the next request starts one', async () => {
    const client = consoleClient();
    expect((await client.request({ trigger: 'MANUAL' })).started).toBe(true);
    await db.prisma.trainingRun.updateMany({ where: { status: 'QUEUED' }, data: { status: 'CANCELLED' } });
    // Redis goes away as the flow is handed to it (a restart, a proxy cutting connections).
    const add = FlowProducer.prototype.add;
    const spy = vi.spyOn(FlowProducer.prototype, 'add').mockImplementationOnce(function (
      this: FlowProducer,
      ...a
    ) {
      const sent = add.apply(this, a);
      void relay.cut();
      return sent;
    });
    try {
      const error = await rejectionOf(client.request({ trigger: 'MANUAL' }));
      const run = await db.prisma.trainingRun.findFirstOrThrow({ orderBy: { createdAt: 'desc' } });
      expect(error).toMatchObject({ code: 'UNAVAILABLE' });
      expect(error.message).toBe(
        `the connection to the job queue (Redis at 127.0.0.1:${port()}) closed while run ${run.id}'s steps were being sent; it is marked failed (should they have reached the queue, they will not run): try again`,
      );
      expect(run).toMatchObject({ status: 'FAILED' });
      expect(run.error).toBe(
        `could not be queued: the connection to Redis at 127.0.0.1:${port()} closed before it answered`,
      );
    } finally {
      spy.mockRestore();
      await relay.restore();
    }
    expect(await client.request({ trigger: 'MANUAL' })).toMatchObject({ started: true, status: 'QUEUED' });
  }, 15_000);

  it('closes at once on a Redis gone silent', async () => {
    const client = consoleClient();
    expect((await client.request({ trigger: 'MANUAL' })).started).toBe(true);
    relay.silence();
    const closingAt = Date.now();
    await client.close();
    expect(Date.now() - closingAt).toBeLessThan(1_000);
  }, 15_000);
});
