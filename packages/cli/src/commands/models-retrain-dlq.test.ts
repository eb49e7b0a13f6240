import { createHash } from 'node:crypto';
import { userInfo } from 'node:os';
import { registerModelVersion } from '@acsa/db/registry';
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
  testServiceUrls,
} from '@acsa/db/testing';
import { QUEUES } from '@acsa/pipelines';
import { sendToDeadLetters } from '@acsa/pipelines/dead-letters';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register as registerDlq } from './dlq.ts';
import { cliInProcess } from './in-process.test-helper.ts';
import { register as registerModels } from './models.ts';
import { register as registerRetrain } from './retrain.ts';

let db: TestDatabase;
let redis: TestRedis;

beforeAll(async () => {
  const urls = testServiceUrls();
  [db, redis] = await Promise.all([createTestDatabase(urls.databaseUrl), createTestRedis(urls.redisUrl)]);
  // What the commands read, as a shell would set it for this database and Redis namespace.
  process.env.DATABASE_URL = db.url;
  process.env.REDIS_URL = redis.url;
  process.env.QUEUE_PREFIX = `${redis.prefix}bull`;
  for (const v of ['m1', 'm2']) {
    const onnx = new TextEncoder().encode(v);
    const sha256 = createHash('sha256').update(onnx).digest('hex');
    await registerModelVersion(db.prisma, {
      version: v,
      kind: 'student-int8',
      onnx,
      manifest: {
        model: { sha256 },
        labels: ['a'],
        featurizer: { version: 1 },
        metrics: { dev: { accuracy: 0.9 } },
      },
    });
  }
});
afterAll(() => Promise.all([db?.drop(), redis?.cleanup()]));

const acsa = cliInProcess(registerModels, registerRetrain, registerDlq);

describe('acsa models', () => {
  it('promotes, lists, rolls back and shows, recording who did it and why', async () => {
    expect(JSON.parse(await acsa('models', 'promote', 'm1', '--json'))).toMatchObject({
      toVersion: 'm1',
      changed: true,
    });
    expect(await acsa('models', 'promote', 'm2', '--reason', 'better on refunds')).toBe(
      'production: m1 → m2',
    );
    const list = JSON.parse(await acsa('models', 'list', '--json'));
    expect(list.aliases).toEqual([expect.objectContaining({ name: 'production', version: 'm2' })]);
    expect(await acsa('models', 'rollback', '--reason', 'complaints')).toBe('production: m2 → m1');
    const shown = JSON.parse(await acsa('models', 'show', 'm2', '--json'));
    expect(shown.history.map((h: { kind: string; reason: string | null }) => [h.kind, h.reason])).toEqual([
      ['ROLLBACK', 'complaints'],
      ['PROMOTE', 'better on refunds'],
    ]);
    expect(shown.history[0].actor).toMatch(/^cli:/);
    await expect(acsa('models', 'show', 'm9')).rejects.toThrow('no model version "m9"');
  });

  it('promote and rollback refuse an --alias a person does not move, naming those they do, and move nothing', async () => {
    const moves = () => db.prisma.aliasHistory.count();
    const before = await moves();
    const refused = '--alias: "prod" is not an alias moved by hand (aliases: production, shadow)';
    await expect(acsa('models', 'promote', 'm1', '--alias', 'prod')).rejects.toMatchObject({
      message: refused,
      exitCode: 1,
    });
    await expect(acsa('models', 'rollback', '--alias', 'prod')).rejects.toThrow(refused);
    // An experiment's variant moves with its experiment: a history row for it is one serving never reads.
    await expect(
      acsa('models', 'promote', 'm1', '--alias', 'experiment:e1:treatment', '--json'),
    ).rejects.toThrow('--alias: "experiment:e1:treatment" is not an alias moved by hand');
    expect(await db.prisma.modelAlias.count({ where: { name: { not: 'production' } } })).toBe(0);
    expect(await moves()).toBe(before);
    expect(await acsa('models', 'promote', 'm1', '--alias', 'shadow')).toBe('shadow: (none) → m1');
  });

  it('list ends with how many versions it left out and the --limit that lists them all', async () => {
    const cut = (await acsa('models', 'list', '--limit', '1')).split('\n');
    expect(cut.filter((l) => /^m\d /.test(l))).toHaveLength(1);
    expect(cut.at(-1)).toBe('… and 1 more version: --limit 2 lists every one');
    expect(await acsa('models', 'list', '--limit', '2')).not.toContain('… and');
  });

  it('show ends with how many alias moves it left out and the --limit that lists them all', async () => {
    const m1 = await db.prisma.modelVersion.findUniqueOrThrow({ where: { version: 'm1' } });
    // More moves of m1 than the 50 a show lists by default.
    await db.prisma.aliasHistory.createMany({
      data: Array.from({ length: 52 }, () => ({
        alias: 'cli-history',
        kind: 'PROMOTE' as const,
        toVersionId: m1.id,
        actor: 'system:test',
      })),
    });
    const total = await db.prisma.aliasHistory.count({
      where: { OR: [{ fromVersionId: m1.id }, { toVersionId: m1.id }] },
    });
    const moves = (out: string) => out.split('\n').filter((l) => / by \S+/.test(l));
    const shown = await acsa('models', 'show', 'm1');
    expect(moves(shown)).toHaveLength(50);
    expect(shown.split('\n').at(-1)).toBe(
      `  … and ${total - 50} earlier moves: --limit ${total} lists every one`,
    );
    const all = await acsa('models', 'show', 'm1', '--limit', String(total));
    expect(moves(all)).toHaveLength(total);
    expect(all).not.toContain('… and');
    await expect(acsa('models', 'show', 'm1', '--limit', '0')).rejects.toThrow(
      '--limit must be a positive integer, got "0"',
    );
  });

  it('a rollback of production stops a running experiment and says so', async () => {
    const version = (v: string) => db.prisma.modelVersion.findUniqueOrThrow({ where: { version: v } });
    const [m1, m2] = [await version('m1'), await version('m2')];
    await acsa('models', 'promote', 'm2', '--reason', 'to roll back');
    const exp = await db.prisma.experiment.create({
      data: {
        name: 'cli-running',
        status: 'RUNNING',
        startedAt: new Date(),
        variants: {
          create: [
            { name: 'control', modelVersionId: m2.id, weight: 0.5 },
            { name: 'treatment', modelVersionId: m1.id, weight: 0.5 },
          ],
        },
      },
    });
    expect(await acsa('models', 'rollback', '--reason', 'refunds broken')).toBe(
      [
        'production: m2 → m1; experiment cli-running stopped',
        '  experiment cli-running was running and sent all traffic to its variants: stopped, so production answers every session now',
      ].join('\n'),
    );
    expect(await db.prisma.experiment.findUniqueOrThrow({ where: { id: exp.id } })).toMatchObject({
      status: 'STOPPED',
    });
  });
});

describe('acsa retrain and dlq', () => {
  it('queues one run, reports the active one on a second call, and refuses a bad mode', async () => {
    const first = JSON.parse(await acsa('retrain', '--mode', 'none', '--preset', 'small', '--json'));
    expect(first).toMatchObject({ started: true, status: 'QUEUED' });
    const second = JSON.parse(await acsa('retrain', '--json'));
    expect(second).toMatchObject({ started: false, runId: first.runId });
    const run = await db.prisma.trainingRun.findUniqueOrThrow({ where: { id: first.runId } });
    expect(run).toMatchObject({
      trigger: 'MANUAL',
      mode: 'NONE',
      config: expect.objectContaining({ preset: 'small' }),
    });
    await expect(acsa('retrain', '--mode', 'sideways')).rejects.toThrow(/^--mode: /);
  });

  it('lists dead letters and replays one', async () => {
    expect(JSON.parse(await acsa('dlq', 'list', '--json'))).toEqual([]);
    const queue = new Queue(QUEUES.interactions, {
      connection: redis.redis.duplicate({ keyPrefix: '' }),
      prefix: `${redis.prefix}bull`,
    });
    const dlq = new Queue(QUEUES.deadLetters, {
      connection: redis.redis.duplicate({ keyPrefix: '' }),
      prefix: `${redis.prefix}bull`,
    });
    try {
      const job = await queue.add('interaction', { text: 'hi' });
      await sendToDeadLetters(dlq, job, new Error('analytics database unavailable'));
      const [letter] = JSON.parse(await acsa('dlq', 'list', '--json'));
      expect(letter).toMatchObject({
        queue: QUEUES.interactions,
        error: 'analytics database unavailable',
        data: { text: 'hi' },
      });
      // The original is still waiting (not failed), so there is nothing to replay in place: said plainly.
      await expect(acsa('dlq', 'replay', letter.id)).rejects.toThrow(/is waiting, not failed/);
      await job.remove();
      expect(await acsa('dlq', 'replay', letter.id)).toMatch(
        /the original job was gone; its payload was added/,
      );
      expect(JSON.parse(await acsa('dlq', 'list', '--json'))).toEqual([]);
    } finally {
      await Promise.all([queue.close(), dlq.close()]);
    }
  });

  it('list ends with how many dead letters it left out and the --limit that lists them all', async () => {
    const dlq = new Queue(QUEUES.deadLetters, {
      connection: redis.redis.duplicate({ keyPrefix: '' }),
      prefix: `${redis.prefix}bull`,
    });
    const now = Date.now();
    // More letters than the 100 a list shows by default.
    const letters = await dlq.addBulk(
      Array.from({ length: 102 }, (_, i) => ({
        name: 'dead',
        data: {
          v: 1,
          queue: QUEUES.interactions,
          jobId: `bulk-${i}`,
          name: 'interaction',
          data: { i },
          error: 'analytics database unavailable',
          stack: null,
          attemptsMade: 3,
          failedAt: new Date(now + i).toISOString(),
        },
      })),
    );
    try {
      const ids = (out: string) => out.split('\n').filter((l) => /^\d+$/.test(l));
      const shown = await acsa('dlq', 'list');
      expect(ids(shown)).toHaveLength(100);
      expect(shown.split('\n').at(-1)).toBe('… and 2 more dead letters: --limit 102 lists every one');
      const cut = await acsa('dlq', 'list', '--limit', '101');
      expect(cut.split('\n').at(-1)).toBe('… and 1 more dead letter: --limit 102 lists every one');
      const all = await acsa('dlq', 'list', '--limit', '102');
      expect(ids(all)).toHaveLength(102);
      expect(all).not.toContain('… and');
    } finally {
      await Promise.all(letters.map((l) => l.remove()));
      await dlq.close();
    }
  });

  /** A job of `queue` failed for good, where a step's job stays after its last attempt. */
  async function failedJob(queue: string, jobId: string, data: object) {
    const connection = redis.redis.duplicate({ keyPrefix: '', maxRetriesPerRequest: null });
    const prefix = `${redis.prefix}bull`;
    const q = new Queue(queue, { connection, prefix });
    const worker = new Worker<unknown, unknown>(
      queue,
      async (job) => {
        if (job.id === jobId) throw new UnrecoverableError('boom');
      },
      { connection, prefix },
    );
    try {
      await q.add('step', data, { jobId });
      await expect.poll(() => q.getJobState(jobId)).toBe('failed');
    } finally {
      await worker.close();
      await q.close();
      connection.disconnect();
    }
  }

  it('replay is in the audit log as the console’s is, by cli:<login>; a refused one leaves no entry', async () => {
    const dlq = new Queue(QUEUES.deadLetters, {
      connection: redis.redis.duplicate({ keyPrefix: '' }),
      prefix: `${redis.prefix}bull`,
    });
    const letter = (jobId: string, data: object) =>
      dlq.add('dead', {
        v: 1,
        queue: QUEUES.interactions,
        jobId,
        name: 'interaction',
        data,
        error: 'boom',
        stack: null,
        attemptsMade: 3,
        failedAt: new Date().toISOString(),
      });
    const entries = (id: string) =>
      db.prisma.auditLog.findMany({ where: { action: 'dead-letter.replay', targetId: id } });
    const gone = await letter('cli-audit-gone', { text: 'hi' });
    await db.prisma.trainingRun.create({ data: { trigger: 'LABELS', mode: 'NONE', status: 'RUNNING' } });
    const step = { v: 1, runId: crypto.randomUUID(), step: 'train' };
    await failedJob(QUEUES.interactions, 'cli-audit-step', step);
    const ofRun = await letter('cli-audit-step', step);
    try {
      await expect(acsa('dlq', 'replay', String(ofRun.id))).rejects.toThrow(/is active: replaying this step/);
      expect(await entries(String(ofRun.id))).toEqual([]);
      const r = JSON.parse(await acsa('dlq', 'replay', String(gone.id), '--json'));
      expect(r).toMatchObject({ how: 're-added', queue: QUEUES.interactions });
      expect(await entries(String(gone.id))).toEqual([
        expect.objectContaining({
          actorType: 'USER',
          actorId: null,
          actor: `cli:${userInfo().username}`,
          targetType: 'DeadLetter',
          // What it was about to do, as the console records it: the failed job's id, not the new one's.
          data: {
            before: null,
            after: { how: 're-added', queue: QUEUES.interactions, jobId: 'cli-audit-gone' },
          },
        }),
      ]);
    } finally {
      await db.prisma.trainingRun.updateMany({
        where: { status: { in: ['QUEUED', 'RUNNING'] } },
        data: { status: 'CANCELLED' },
      });
      await ofRun.remove();
      await dlq.close();
    }
  });

  it('replay refuses a step of one retraining run while another is active, and keeps the letter', async () => {
    const dlq = new Queue(QUEUES.deadLetters, {
      connection: redis.redis.duplicate({ keyPrefix: '' }),
      prefix: `${redis.prefix}bull`,
    });
    const failed = await db.prisma.trainingRun.create({
      data: {
        trigger: 'MANUAL',
        mode: 'NONE',
        status: 'FAILED',
        startedAt: new Date(),
        error: 'train: boom',
      },
    });
    await db.prisma.trainingRun.create({ data: { trigger: 'LABELS', mode: 'NONE', status: 'RUNNING' } });
    await failedJob(QUEUES.retrainCpu, 'cli-run-step-train', { v: 1, runId: failed.id, step: 'train' });
    const letter = await dlq.add('dead', {
      v: 1,
      queue: QUEUES.retrainCpu,
      jobId: 'cli-run-step-train',
      name: 'train',
      data: { v: 1, runId: failed.id, step: 'train' },
      error: 'boom',
      stack: null,
      attemptsMade: 3,
      failedAt: new Date().toISOString(),
    });
    try {
      await expect(acsa('dlq', 'replay', String(letter.id))).rejects.toThrow(
        new RegExp(`is active: replaying this step would resume run ${failed.id.slice(0, 8)} beside it`),
      );
      expect((await dlq.getJob(String(letter.id)))?.data).toMatchObject({ jobId: 'cli-run-step-train' });
      // Once no other run is active, it is replayed.
      await db.prisma.trainingRun.updateMany({
        where: { status: { in: ['QUEUED', 'RUNNING'] } },
        data: { status: 'CANCELLED' },
      });
      expect(await acsa('dlq', 'replay', String(letter.id))).toMatch(/is back on .* with fresh attempts/);
    } finally {
      await dlq.close();
    }
  });
});
