import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
  testServiceUrls,
} from '@acsa/db/testing';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TActor } from '../access/roles.ts';
import { QUEUES } from '../queues.ts';
import { makeUser } from '../workbench-fixtures.ts';
import { replayDeadLetterFromConsole, replayDeadLettersFromConsole } from './console-replay.ts';
import { listDeadLetters } from './dead-letter-ops.ts';
import { queueCounts, WATCHED_QUEUES } from './queue-counts.ts';

let db: TestDatabase;
let redis: TestRedis;
let deps: { connection: Redis; prefix: string };
let eli: TActor;
const queues: Queue[] = [];
const open = (name: string) => {
  const q = new Queue(name, deps);
  queues.push(q);
  return q;
};

beforeAll(async () => {
  const urls = testServiceUrls();
  [db, redis] = await Promise.all([createTestDatabase(urls.databaseUrl), createTestRedis(urls.redisUrl)]);
  deps = { connection: new Redis(redis.url, { maxRetriesPerRequest: null }), prefix: `${redis.prefix}bull` };
  eli = await makeUser(db.prisma, 'ENGINEER', 'eli');
});
afterAll(async () => {
  await Promise.all(queues.map((q) => q.close()));
  deps?.connection.disconnect();
  await Promise.all([db?.drop(), redis?.cleanup()]);
});

describe('queues and dead letters in the console', () => {
  it('counts every watched queue’s jobs by state', async () => {
    const triggers = open(QUEUES.retrainTriggers);
    await triggers.add('a', {});
    await triggers.add('b', {});
    await triggers.add('later', {}, { delay: 60_000 });
    await open(QUEUES.interactions).pause();
    const counts = await queueCounts(deps);
    expect(counts.map((c) => c.name)).toEqual([...WATCHED_QUEUES]);
    expect(counts.find((c) => c.name === QUEUES.retrainTriggers)).toMatchObject({
      paused: false,
      counts: { waiting: 2, delayed: 1, active: 0, failed: 0 },
    });
    expect(counts.find((c) => c.name === QUEUES.interactions)?.paused).toBe(true);
  });

  it('replays a dead letter, audited as the engineer, and says so when it is gone', async () => {
    const letter = await open(QUEUES.deadLetters).add('dead', {
      v: 1,
      queue: 'acsa.console-test.v1',
      jobId: 'gone-1',
      name: 'sync-order',
      data: { order: 'A-1' },
      error: 'downstream unavailable',
      stack: null,
      attemptsMade: 3,
      failedAt: new Date().toISOString(),
    });
    const result = await replayDeadLetterFromConsole(db.prisma, eli, deps, String(letter.id));
    expect(result).toMatchObject({ how: 're-added', queue: 'acsa.console-test.v1' });
    expect(await open('acsa.console-test.v1').getJobCounts('waiting')).toEqual({ waiting: 1 });
    const audit = await db.prisma.auditLog.findFirstOrThrow({ where: { action: 'dead-letter.replay' } });
    expect(audit).toMatchObject({ actorId: eli.id, targetId: String(letter.id) });
    await expect(replayDeadLetterFromConsole(db.prisma, eli, deps, String(letter.id))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
  it('finds dead letters by job id or run id, and replays several at once, saying which failed', async () => {
    const dlq = open(QUEUES.deadLetters);
    const letter = (jobId: string, data: unknown) =>
      dlq.add('dead', {
        v: 1,
        queue: 'acsa.console-many.v1',
        jobId,
        name: 'step',
        data,
        error: 'boom',
        stack: null,
        attemptsMade: 3,
        failedAt: new Date().toISOString(),
      });
    const runId = '6f0c1d2e-0000-4000-8000-00000000abcd';
    const train = await letter('job-train-77', { v: 1, runId, step: 'train' });
    const sync = await letter('sync-10042', { order: 10042 });
    expect((await listDeadLetters(deps, { q: 'SYNC-1004' })).map((l) => l.id)).toEqual([String(sync.id)]);
    expect((await listDeadLetters(deps, { q: '0000abcd' })).map((l) => l.id)).toEqual([String(train.id)]);
    expect(await listDeadLetters(deps, { q: 'no-such-job' })).toEqual([]);

    const result = await replayDeadLettersFromConsole(db.prisma, eli, deps, [
      String(train.id),
      'missing-letter',
      String(sync.id),
    ]);
    expect(result.replayed.map((r) => [r.id, r.how])).toEqual([[String(sync.id), 're-added']]);
    // A run's step whose job is gone is not added alone: it would run without the step before it.
    expect(result.failed).toEqual([
      {
        id: String(train.id),
        error: `job job-train-77 on acsa.console-many.v1 is gone from the queue, and a step of run ${runId} runs only within its run; nothing to replay: start a new run`,
      },
      { id: 'missing-letter', error: expect.stringMatching(/^no dead letter/) },
    ]);
    expect(await open('acsa.console-many.v1').getJobCounts('waiting')).toEqual({ waiting: 1 });
    const audits = await db.prisma.auditLog.findMany({
      where: { action: 'dead-letter.replay', targetId: { in: [String(train.id), String(sync.id)] } },
    });
    expect(audits.map((a) => a.targetId)).toEqual([String(sync.id)]);
    // The letter stays, for a look at what failed.
    expect((await listDeadLetters(deps, { q: '0000abcd' })).map((l) => l.id)).toEqual([String(train.id)]);
    await dlq.remove(String(train.id));
  });

  it('replays a letter only with its audit entry, and reports a replayed letter replayed', async () => {
    const target = 'acsa.console-audit.v1';
    const dlq = open(QUEUES.deadLetters);
    const letter = async (jobId: string) =>
      String(
        (
          await dlq.add('dead', {
            v: 1,
            queue: target,
            jobId,
            name: 'sync-order',
            data: { jobId },
            error: 'downstream unavailable',
            stack: null,
            attemptsMade: 3,
            failedAt: new Date().toISOString(),
          })
        ).id,
      );
    const [refused, dropsOnce, dropsAlways, plain] = [
      await letter('refused'),
      await letter('drops-once'),
      await letter('drops-always'),
      await letter('plain'),
    ];
    const sql = (q: string) => db.prisma.$executeRawUnsafe(q);
    // The audit log refuses `refused`'s entry as it is written; the commit of `drops-once`'s fails the first
    // time (as a dropped connection would) and of `drops-always`'s every time, after the replay is done.
    await sql(`CREATE SEQUENCE audit_commit_failures`);
    await sql(`CREATE FUNCTION refuse_entry() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
      IF NEW."targetId" = '${dropsOnce}' AND nextval('audit_commit_failures') > 1 THEN RETURN NEW; END IF;
      RAISE EXCEPTION 'audit log refused'; END $$`);
    await sql(`CREATE TRIGGER refuse_now BEFORE INSERT ON "AuditLog" FOR EACH ROW
      WHEN (NEW."targetId" = '${refused}') EXECUTE FUNCTION refuse_entry()`);
    await sql(`CREATE CONSTRAINT TRIGGER refuse_at_commit AFTER INSERT ON "AuditLog"
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
      WHEN (NEW."targetId" IN ('${dropsOnce}', '${dropsAlways}')) EXECUTE FUNCTION refuse_entry()`);

    await expect(replayDeadLetterFromConsole(db.prisma, eli, deps, refused)).rejects.toThrow(
      /audit log refused/,
    );
    expect((await listDeadLetters(deps, { q: refused })).map((l) => l.id)).toEqual([refused]);
    expect(await open(target).getJobCounts('waiting')).toEqual({ waiting: 0 });

    const result = await replayDeadLettersFromConsole(db.prisma, eli, deps, [
      refused,
      dropsOnce,
      dropsAlways,
      plain,
    ]);
    expect(result.replayed.map((r) => [r.id, r.how, r.unrecorded])).toEqual([
      [dropsOnce, 're-added', undefined],
      [dropsAlways, 're-added', expect.stringMatching(/was replayed .* audit log could not record it/)],
      [plain, 're-added', undefined],
    ]);
    expect(result.failed).toEqual([{ id: refused, error: expect.stringMatching(/audit log refused/) }]);
    const queued = await open(target).getJobs(['waiting']);
    expect(queued.map((j) => (j.data as { jobId: string }).jobId).sort()).toEqual([
      'drops-always',
      'drops-once',
      'plain',
    ]);
    const entries = await db.prisma.auditLog.findMany({
      where: { action: 'dead-letter.replay', targetId: { in: [refused, dropsOnce, dropsAlways, plain] } },
    });
    expect(entries.map((e) => [e.targetId, e.actor, e.data]).sort()).toEqual(
      [
        [
          dropsOnce,
          eli.email,
          { before: null, after: { how: 're-added', queue: target, jobId: 'drops-once' } },
        ],
        [plain, eli.email, { before: null, after: { how: 're-added', queue: target, jobId: 'plain' } }],
      ].sort(),
    );
  });

  it('records a replay whose letter cannot be removed, and says the letter is still there', async () => {
    const target = 'acsa.console-locked.v1';
    const dlq = open(QUEUES.deadLetters);
    const letter = String(
      (
        await dlq.add('dead', {
          v: 1,
          queue: target,
          jobId: 'locked',
          name: 'sync-order',
          data: { jobId: 'locked' },
          error: 'downstream unavailable',
          stack: null,
          attemptsMade: 3,
          failedAt: new Date().toISOString(),
        })
      ).id,
    );
    // A lock held on the letter (as a worker holding it would) makes BullMQ refuse to remove it, after the
    // job has been queued again.
    await deps.connection.set(`${deps.prefix}:${QUEUES.deadLetters}:${letter}:lock`, 'someone-else');

    const result = await replayDeadLettersFromConsole(db.prisma, eli, deps, [letter]);
    expect(result.failed).toEqual([]);
    expect(result.replayed).toEqual([
      {
        id: letter,
        how: 're-added',
        queue: target,
        jobId: expect.any(String),
        note: expect.stringMatching(/replayed, but the letter could not be removed .*locked/),
      },
    ]);
    expect((await open(target).getJobs(['waiting'])).map((j) => j.data)).toEqual([{ jobId: 'locked' }]);
    const entries = await db.prisma.auditLog.findMany({
      where: { action: 'dead-letter.replay', targetId: letter },
    });
    expect(entries.map((e) => e.data)).toEqual([
      { before: null, after: { how: 're-added', queue: target, jobId: 'locked' } },
    ]);
    expect((await listDeadLetters(deps, { q: letter })).map((l) => l.id)).toEqual([letter]);
  });

  it('refuses to replay a step of one retraining run while another run is active, and keeps the letter', async () => {
    const failed = await db.prisma.trainingRun.create({
      data: {
        trigger: 'MANUAL',
        mode: 'DIRECT',
        status: 'FAILED',
        startedAt: new Date(),
        error: 'train: boom',
      },
    });
    const active = await db.prisma.trainingRun.create({
      data: { trigger: 'LABELS', mode: 'DIRECT', status: 'RUNNING', startedAt: new Date() },
    });
    // The step's job, failed for good where the trainer left it.
    const steps = open('acsa.console-run-step.v1');
    await steps.add('train', { v: 1, runId: failed.id, step: 'train' }, { jobId: 'run-step-train' });
    const worker = new Worker<unknown, unknown>(
      'acsa.console-run-step.v1',
      async () => {
        throw new UnrecoverableError('boom');
      },
      deps,
    );
    await expect.poll(() => steps.getJobState('run-step-train')).toBe('failed');
    await worker.close();
    const letter = await open(QUEUES.deadLetters).add('dead', {
      v: 1,
      queue: 'acsa.console-run-step.v1',
      jobId: 'run-step-train',
      name: 'train',
      data: { v: 1, runId: failed.id, step: 'train' },
      error: 'boom',
      stack: null,
      attemptsMade: 3,
      failedAt: new Date().toISOString(),
    });
    const id = String(letter.id);
    const refused = replayDeadLetterFromConsole(db.prisma, eli, deps, id);
    await expect(refused).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(refused).rejects.toThrow(
      `run ${active.id.slice(0, 8)} is active: replaying this step would resume run ${failed.id.slice(0, 8)} beside it`,
    );
    // Nothing happened: the letter is there, nothing was queued, nothing audited.
    expect((await listDeadLetters(deps, { q: 'run-step-train' })).map((l) => l.id)).toEqual([id]);
    expect(await open('acsa.console-run-step.v1').getJobCounts('waiting')).toEqual({ waiting: 0 });
    expect(await db.prisma.auditLog.count({ where: { action: 'dead-letter.replay', targetId: id } })).toBe(0);

    // Once the other run has ended, the step is replayed and its run resumes.
    await db.prisma.trainingRun.update({ where: { id: active.id }, data: { status: 'SUCCEEDED' } });
    const replayed = await replayDeadLetterFromConsole(db.prisma, eli, deps, id);
    expect(replayed).toMatchObject({ how: 'retried', runId: failed.id });
    expect(await steps.getJobState('run-step-train')).toBe('waiting');
  });
});
