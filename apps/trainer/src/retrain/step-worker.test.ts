import { randomUUID } from 'node:crypto';
import { createTestRedis, type TestRedis, testServiceUrls } from '@acsa/db/testing';
import { stepJobId, stepTimeouts } from '@acsa/pipelines';
import { type Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StepWorker } from './step-worker.ts';

// An in-process step cannot be killed: on a cancel, its worker waits for it to wind down, then fails it
// once, for good.
let redis: TestRedis;
let connection: Redis;
let queue: Queue;
const prefix = () => `${redis.prefix}bull`;

beforeAll(async () => {
  redis = await createTestRedis(testServiceUrls().redisUrl);
  connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  queue = new Queue('steps', { connection, prefix: prefix() });
});
afterAll(async () => {
  await queue?.close();
  connection?.disconnect();
  await redis?.cleanup();
});

describe('a step worker told that a run was cancelled', () => {
  it('stops the run’s in-process step once it has wound down, without a retry; a later step never starts', async () => {
    const cancelled = new Set<string>();
    const events: string[] = [];
    const worker = new StepWorker(
      'steps',
      async (job: Job, _token?: string, signal?: AbortSignal) => {
        events.push(`start ${job.data.runId}`);
        await new Promise((r) => signal?.addEventListener('abort', r, { once: true }));
        await new Promise((r) => setTimeout(r, 200));
        events.push('wound down');
        return {};
      },
      {
        connection,
        prefix: prefix(),
        timeouts: stepTimeouts(),
        stopReason: async (runId) => (cancelled.has(runId) ? 'the run was cancelled' : null),
      },
    );
    const failed = new Promise<[Job | undefined, Error]>((r) => worker.on('failed', (job, e) => r([job, e])));
    try {
      const runId = randomUUID();
      await queue.add(
        'gate',
        { v: 1, runId, step: 'gate' },
        { jobId: stepJobId(runId, 'gate'), attempts: 5 },
      );
      await expect.poll(() => worker.activeRuns()).toEqual([runId]);
      cancelled.add(runId);
      expect(worker.cancelRun(runId)).toBe(true);
      const [job, error] = await failed;
      events.push('failed');
      expect(error).toMatchObject({ name: 'StepCancelledError', message: 'the run was cancelled' });
      expect(events).toEqual([`start ${runId}`, 'wound down', 'failed']);
      expect(job?.attemptsMade).toBe(1);
      expect(await (await queue.getJob(stepJobId(runId, 'gate')))?.getState()).toBe('failed');
      expect(worker.activeRuns()).toEqual([]);

      // A step of a run cancelled before it starts never starts.
      const late = randomUUID();
      cancelled.add(late);
      const lateFailed = new Promise<Error>((r) => worker.once('failed', (_job, e) => r(e)));
      await queue.add(
        'register',
        { v: 1, runId: late, step: 'register' },
        { jobId: stepJobId(late, 'register') },
      );
      expect(await lateFailed).toMatchObject({ name: 'StepCancelledError' });
      expect(events).not.toContain(`start ${late}`);
    } finally {
      await worker.close();
    }
  });
});
