import { createLogger } from '@acsa/core/logger';
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
  testServiceUrls,
} from '@acsa/db/testing';
import { INTERACTION_JOBS, QUEUES } from '@acsa/pipelines';
import { turnStats } from '@acsa/pipelines/analytics';
import { attachDeadLetters, listDeadLetters, replayDeadLetter } from '@acsa/pipelines/dead-letters';
import { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnalytics } from './analytics-worker.ts';
import { pruneReceipts } from './record-interaction.ts';
import { eventOf, insertTurns } from './turn-fixtures.ts';

const { databaseUrl, redisUrl } = testServiceUrls();
const logger = createLogger({ name: 'analytics-dead-letter-test', level: 'silent' });

let db: TestDatabase;
let ns: TestRedis;
let deps: { connection: Redis; prefix: string };
let queue: Queue;
let deadLetters: Queue;
let analytics: ReturnType<typeof startAnalytics>;

beforeAll(async () => {
  [db, ns] = await Promise.all([createTestDatabase(databaseUrl), createTestRedis(redisUrl)]);
  deps = { connection: new Redis(redisUrl, { maxRetriesPerRequest: null }), prefix: `${ns.prefix}bull` };
  queue = new Queue(QUEUES.interactions, deps);
  deadLetters = new Queue(QUEUES.deadLetters, deps);
  analytics = startAnalytics({ prisma: db.prisma, ...deps, logger, reconcile: false });
  attachDeadLetters(analytics.worker, deadLetters);
});
afterAll(async () => {
  await analytics?.close();
  await Promise.all([queue?.close(), deadLetters?.close()]);
  deps?.connection.disconnect();
  await Promise.all([db?.drop(), ns?.cleanup()]);
});

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await read();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('not reached in time');
}

const unversionedTurns = async () => (await turnStats(db.prisma)).find((s) => s.version === null)?.turns;

describe('a dead-lettered batch of interaction events', () => {
  it('keeps only its invalid event, so a replay after the receipts are pruned counts nothing again', async () => {
    const turns = await insertTurns(db.prisma, [
      {
        text: 'where is my parcel',
        intent: 'track_order',
        confidence: 0.9,
        modelVersionId: null,
        at: new Date(),
      },
      { text: 'refund please', intent: 'get_refund', confidence: 0.9, modelVersionId: null, at: new Date() },
    ]);
    const bad = { version: 2, messageId: 'not-a-uuid' };
    const job = await queue.add(INTERACTION_JOBS.batch, {
      events: [eventOf(turns[0]!), bad, eventOf(turns[1]!)],
    });

    const [letter] = await until(
      () => listDeadLetters(deps),
      (l) => l.length === 1,
    );
    expect(await unversionedTurns()).toBe(2);
    expect(letter).toMatchObject({
      queue: QUEUES.interactions,
      name: INTERACTION_JOBS.batch,
      data: { events: [bad] },
    });
    expect(letter?.error).toMatch(
      /^invalid interaction event: #1 messageId.*the 2 valid events were recorded/,
    );

    // Letters outlive receipts: a replay weeks later finds none for the good events.
    expect(await pruneReceipts(db.prisma, new Date(Date.now() + 60_000))).toBe(2);
    const firstFailure = (await Job.fromId(queue, job.id!))!.finishedOn!;
    expect(await replayDeadLetter(deps, letter!.id)).toMatchObject({ how: 'retried' });
    await until(
      () => Job.fromId(queue, job.id!),
      (j) => (j?.finishedOn ?? 0) > firstFailure && j?.failedReason !== undefined,
    );
    expect(await unversionedTurns()).toBe(2);
  });
});
