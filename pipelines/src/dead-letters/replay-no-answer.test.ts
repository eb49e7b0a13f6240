import {
  createTestDatabase,
  createTestRedis,
  rejectionOf,
  type TestDatabase,
  type TestRedis,
  tcpRelay,
  testServiceUrls,
} from '@acsa/db/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TActor } from '../access/roles.ts';
import { QUEUES } from '../queues.ts';
import { makeUser } from '../workbench-fixtures.ts';
import { replayDeadLetterFromConsole, replayDeadLettersFromConsole } from './console-replay.ts';

/** Shortened from 10 s; long enough for a loaded machine's Redis to answer through the relay. */
const TIMEOUT_MS = 1_000;
const TARGET = 'acsa.replay-silent.v1';

let db: TestDatabase;
let redis: TestRedis;
let relay: Awaited<ReturnType<typeof tcpRelay>>;
let connection: Redis;
let eli: TActor;
let dlq: Queue;
let target: Queue;
const prefix = () => `${redis.prefix}bull`;

beforeAll(async () => {
  const urls = testServiceUrls();
  [db, redis, relay] = await Promise.all([
    createTestDatabase(urls.databaseUrl),
    createTestRedis(urls.redisUrl),
    tcpRelay(urls.redisUrl),
  ]);
  connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  dlq = new Queue(QUEUES.deadLetters, { connection, prefix: prefix() });
  target = new Queue(TARGET, { connection, prefix: prefix() });
  eli = await makeUser(db.prisma, 'ENGINEER', 'eli');
});
afterEach(async () => {
  relay.hear();
  await Promise.all([dlq.obliterate({ force: true }), target.obliterate({ force: true })]);
  await db.prisma.auditLog.deleteMany({ where: { action: 'dead-letter.replay' } });
});
afterAll(async () => {
  await Promise.all([dlq?.close(), target?.close()]);
  connection?.disconnect();
  await Promise.all([relay?.close(), db?.drop(), redis?.cleanup()]);
});

/** The console's queue options (connection options, not an instance), through the relay. */
const consoleDeps = () => ({
  connection: { url: relay.url(), maxRetriesPerRequest: 1, connectTimeout: 2_000 },
  prefix: prefix(),
});
const port = () => new URL(relay.url()).port;

async function deadLetter(jobId: string): Promise<string> {
  const letter = await dlq.add('dead', {
    v: 1,
    queue: TARGET,
    jobId,
    name: 'sync-order',
    data: { order: jobId },
    error: 'downstream unavailable',
    stack: null,
    attemptsMade: 3,
    failedAt: new Date().toISOString(),
  });
  return String(letter.id);
}

describe('replaying a dead letter while Redis is silent', () => {
  it('says within the deadline that nothing was replayed, records nothing, and works once Redis answers', async () => {
    const id = await deadLetter('order-1');
    relay.silence();
    const started = Date.now();
    const error = await rejectionOf(
      replayDeadLetterFromConsole(db.prisma, eli, consoleDeps(), id, { timeoutMs: TIMEOUT_MS }),
    );
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 2_000);
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.message).toBe(
      `Redis at 127.0.0.1:${port()} did not answer within 1 s: nothing was replayed; try again`,
    );
    expect(await db.prisma.auditLog.count({ where: { action: 'dead-letter.replay' } })).toBe(0);
    expect(await dlq.getJobCounts('waiting')).toEqual({ waiting: 1 });
    expect(await target.getJobCounts('waiting')).toEqual({ waiting: 0 });

    relay.hear();
    const replayed = await replayDeadLetterFromConsole(db.prisma, eli, consoleDeps(), id, {
      timeoutMs: TIMEOUT_MS,
    });
    expect(replayed).toMatchObject({ how: 're-added', queue: TARGET });
    expect(await target.getJobCounts('waiting')).toEqual({ waiting: 1 });
    expect(await dlq.getJobCounts('waiting')).toEqual({ waiting: 0 });
  });

  it('records a replay sent without an answer, keeps the letter and warns that replaying again may run it twice', async () => {
    const id = await deadLetter('order-2');
    const error = await rejectionOf(
      replayDeadLetterFromConsole(db.prisma, eli, consoleDeps(), id, {
        timeoutMs: TIMEOUT_MS,
        beforeSend: async () => relay.silence(),
      }),
    );
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.message).toBe(
      `Redis at 127.0.0.1:${port()} did not answer within 1 s once the replay was sent: job order-2 on ${TARGET} may be queued again, and its dead letter is kept (replaying it again may run the job twice)`,
    );
    // Sent into the silence, so it never landed here; the entry says what was asked and that it went unanswered.
    const audit = await db.prisma.auditLog.findFirstOrThrow({ where: { action: 'dead-letter.replay' } });
    expect(audit).toMatchObject({ actorId: eli.id, targetId: id });
    expect(audit.data).toMatchObject({
      after: { how: 're-added', queue: TARGET, unanswered: error.message },
    });
    expect(await dlq.getJobCounts('waiting')).toEqual({ waiting: 1 });
  });

  it('"Replay selected" stops at the first letter Redis did not answer for and says the rest were not tried', async () => {
    const ids = [await deadLetter('order-3'), await deadLetter('order-4'), await deadLetter('order-5')];
    relay.silence();
    const started = Date.now();
    const result = await replayDeadLettersFromConsole(db.prisma, eli, consoleDeps(), ids, {
      timeoutMs: TIMEOUT_MS,
    });
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 2_000);
    const unanswered = `Redis at 127.0.0.1:${port()} did not answer within 1 s`;
    expect(result).toEqual({
      replayed: [],
      failed: [
        { id: ids[0], error: `${unanswered}: nothing was replayed; try again` },
        { id: ids[1], error: `not tried: ${unanswered}` },
        { id: ids[2], error: `not tried: ${unanswered}` },
      ],
    });
    expect(await dlq.getJobCounts('waiting')).toEqual({ waiting: 3 });
  });
});
