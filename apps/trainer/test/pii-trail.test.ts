// A customer's contact details, typed into a chat turn, followed everywhere the turn goes outside
// PostgreSQL: serving's and the trainer's logs, the interactions job, its failure and dead letter in
// Redis, and what `acsa dlq list` prints. The turn is stored in PostgreSQL (that is where it belongs).
import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createLogger } from '@acsa/core/logger';
import { QUEUES } from '@acsa/pipelines';
import { turnStats } from '@acsa/pipelines/analytics';
import { attachDeadLetters, listDeadLetters, replayDeadLetter } from '@acsa/pipelines/dead-letters';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBootstrapBundle } from '../../serving/test/bootstrap-bundle.ts';
import { type Harness, startServing, storefront } from '../../serving/test/harness.ts';
import { startAnalytics } from '../src/analytics/analytics-worker.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TEXT = 'my email is jane.doe@example.org, call me on +44 7700 900123 about order 10042';
const RAW = ['jane.doe@example.org', '7700 900123', '7700900123'];

/** A logger at its most talkative, writing its lines where the test can read them. */
function capturedLogger(name: string, lines: string[]) {
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return createLogger({ name, level: 'trace', destination });
}

/** Every BullMQ key of the namespace, with what it holds, as one string. */
async function dumpQueues(redis: Redis, prefix: string): Promise<string> {
  const out: Record<string, unknown> = {};
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      if (type === 'hash') out[key] = await redis.hgetall(key);
      else if (type === 'string') out[key] = await redis.get(key);
      else if (type === 'list') out[key] = await redis.lrange(key, 0, -1);
      else if (type === 'set') out[key] = await redis.smembers(key);
      else if (type === 'zset') out[key] = await redis.zrange(key, '0', '-1');
      else if (type === 'stream') out[key] = await redis.xrange(key, '-', '+');
    }
  } while (cursor !== '0');
  return JSON.stringify(out);
}

let h: Harness;
let connection: Redis;
let deadLetters: Queue;
let interactions: Queue;
let analytics: ReturnType<typeof startAnalytics>;
let queues: { connection: Redis; prefix: string };
const servingLog: string[] = [];
const trainerLog: string[] = [];

beforeAll(async () => {
  h = await startServing({
    bundleDir: await ensureBootstrapBundle(),
    logger: capturedLogger('serving', servingLog),
  });
  // Wired as the trainer app wires analytics (src/app.ts), on the namespace serving publishes to.
  connection = new Redis(h.redis.url, { maxRetriesPerRequest: null });
  queues = { connection, prefix: `${h.redis.prefix}bull` };
  deadLetters = new Queue(QUEUES.deadLetters, queues);
  interactions = new Queue(QUEUES.interactions, queues);
  const logger = capturedLogger('trainer', trainerLog);
  analytics = startAnalytics({ prisma: h.db.prisma, ...queues, logger });
  attachDeadLetters(analytics.worker, deadLetters, (e) =>
    logger.error({ err: e }, 'dead letter not written'),
  );
});
afterAll(async () => {
  await analytics?.close();
  await Promise.all([deadLetters?.close(), interactions?.close()]);
  connection?.disconnect();
  await h?.close();
});

describe('contact details in a chat turn', () => {
  it('reach no log line, queued or failed job, dead letter or dead-letter listing; the letter still replays', async () => {
    // Analytics cannot count the turn: its job fails, is retried and ends in the dead letters.
    await h.db.prisma.$executeRawUnsafe('ALTER TABLE "TurnStat" RENAME TO "TurnStatAway"');
    await storefront(h.serving).chat('pii-trail', TEXT);
    const message = await h.db.prisma.message.findFirstOrThrow({ where: { text: TEXT } });
    const lettered = async () => {
      // The retries' backoff is seconds long: run them now.
      await interactions.promoteJobs();
      return (await listDeadLetters(queues)).length;
    };
    await expect.poll(lettered, { timeout: 30_000, interval: 100 }).toBe(1);
    const [letter] = await listDeadLetters(queues);
    expect(letter).toMatchObject({
      queue: QUEUES.interactions,
      attemptsMade: 5,
      data: { events: [expect.objectContaining({ messageId: message.id })] },
    });
    expect(letter?.error).toMatch(/TurnStat/);

    const cli = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['packages/cli/bin/acsa.mjs', ...args], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: h.db.url, REDIS_URL: h.redis.url, QUEUE_PREFIX: queues.prefix },
      });
    const [text, json] = await Promise.all([cli('dlq', 'list'), cli('dlq', 'list', '--json')]);
    expect(text.stdout).toContain(letter?.id);
    expect(JSON.parse(json.stdout)).toHaveLength(1);

    const everything = {
      servingLog: servingLog.join(''),
      trainerLog: trainerLog.join(''),
      listing: JSON.stringify(await listDeadLetters(queues)),
      cli: [text.stdout, text.stderr, json.stdout, json.stderr].join('\n'),
      redis: await dumpQueues(connection, queues.prefix),
    };
    expect(trainerLog.join('')).toMatch(/interaction failed/);
    expect(everything.redis).toContain(message.id);
    const leaks = Object.entries(everything).flatMap(([where, written]) =>
      RAW.filter((raw) => written.includes(raw)).map((raw) => `${raw} in ${where}`),
    );
    expect(leaks).toEqual([]);

    // What the failed job kept is enough to run it again.
    await h.db.prisma.$executeRawUnsafe('ALTER TABLE "TurnStatAway" RENAME TO "TurnStat"');
    expect(await replayDeadLetter(queues, letter!.id)).toMatchObject({ how: 'retried' });
    await expect.poll(async () => (await turnStats(h.db.prisma))[0]?.turns, { timeout: 10_000 }).toBe(1);
    expect(await listDeadLetters(queues)).toEqual([]);
  });
});
