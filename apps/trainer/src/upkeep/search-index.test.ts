import { createLogger } from '@acsa/core/logger';
import { createTestDatabase, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { searchConversations } from '@acsa/pipelines/conversations';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { insertTurns } from '../analytics/turn-fixtures.ts';
import { searchIndexMerges, searchIndexUpkeep } from '../metrics.ts';
import { startSearchIndexUpkeep } from './search-index.ts';

const { databaseUrl } = testServiceUrls();
const logger = createLogger({ name: 'search-index-test', level: 'silent' });
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase(databaseUrl);
  // Autoanalyze merges a GIN pending list too: kept off this table so that only the upkeep can.
  await db.prisma.$executeRaw`ALTER TABLE "Message" SET (autovacuum_enabled = false)`;
  await db.prisma.$executeRaw`CREATE EXTENSION IF NOT EXISTS pgstattuple`;
});
afterAll(() => db?.drop());

/** Entries waiting in the search index's pending list (pgstattuple reads the index's metapage). */
async function pending(): Promise<number> {
  const [r] = await db.prisma.$queryRaw<{ tuples: bigint }[]>`
    SELECT pending_tuples AS tuples FROM pgstatginindex('"Message_text_trgm_idx"'::regclass)`;
  return Number(r?.tuples);
}

const specs = (n: number, word: string) =>
  Array.from({ length: n }, (_, i) => ({
    text: `my parcel ${word} number ${i} still has not arrived at the front door`,
    intent: 'track_order',
    confidence: 0.9,
    modelVersionId: null,
    at: new Date(),
  }));

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));
const merges = async (outcome: string) =>
  (await searchIndexMerges.get()).values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
const upkeepGauge = async () => (await searchIndexUpkeep.get()).values[0]?.value;

describe("the conversation search index's pending list", () => {
  it('is merged by the upkeep, now and then on its timer, and search finds every message afterwards', async () => {
    await insertTurns(db.prisma, specs(300, 'zebracrossing'));
    // Below gin_pending_list_limit no insert merges: the new messages wait in the list.
    expect(await pending()).toBe(300);
    const merged = await merges('merged');
    const now = startSearchIndexUpkeep({ prisma: db.prisma, logger, everyMs: 60_000 });
    try {
      expect(await upkeepGauge()).toBe(1);
      expect(await now.tick()).toBeGreaterThan(0);
      expect(await merges('merged')).toBe(merged + 1);
      expect(await pending()).toBe(0);
      expect(await now.tick()).toBe(0);
    } finally {
      await now.close();
    }

    await insertTurns(db.prisma, specs(50, 'quokkaparade'));
    expect(await pending()).toBe(50);
    const timed = startSearchIndexUpkeep({ prisma: db.prisma, logger, everyMs: 100 });
    try {
      await expect.poll(pending, { timeout: 10_000, interval: 100 }).toBe(0);
    } finally {
      await timed.close();
    }

    // Every message merged out of the list is in the index proper: the search, forced onto it, finds them all.
    await db.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SET LOCAL enable_seqscan = off`;
      expect(await searchConversations(tx as never, { q: 'zebracrossing', limit: 100 })).toHaveLength(100);
      expect(await searchConversations(tx as never, { q: 'quokkaparade', limit: 100 })).toHaveLength(50);
    });
  });

  it('PostgreSQL away: retried on every tick, said once per outage', async () => {
    let up = false;
    const $queryRaw = vi.fn(() =>
      up ? Promise.resolve([{ pages: 0 }]) : Promise.reject(new Error('ECONNREFUSED')),
    );
    const warn = vi.fn();
    const upkeep = startSearchIndexUpkeep({
      prisma: { $queryRaw } as never,
      logger: { warn, error: vi.fn() } as never,
      everyMs: 20,
    });
    try {
      await expect.poll(() => $queryRaw.mock.calls.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(4);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]?.[1]).toBe('search index merge failed; will retry');
      // Back, then away again: a new outage is said again.
      up = true;
      const calls = $queryRaw.mock.calls.length;
      await expect.poll(() => $queryRaw.mock.calls.length, { timeout: 5_000 }).toBeGreaterThan(calls + 1);
      up = false;
      await expect.poll(() => warn.mock.calls.length, { timeout: 5_000 }).toBe(2);
    } finally {
      await upkeep.close();
    }
  });

  it('a failure retrying cannot mend (no such index) stops the upkeep with one error that says why', async () => {
    const other = await createTestDatabase(databaseUrl);
    try {
      await other.prisma.$executeRaw`DROP INDEX "Message_text_trgm_idx"`;
      const error = vi.fn();
      const warn = vi.fn();
      const upkeep = startSearchIndexUpkeep({
        prisma: other.prisma,
        logger: { warn, error } as never,
        everyMs: 20,
      });
      await expect.poll(() => error.mock.calls.length, { timeout: 5_000 }).toBe(1);
      await settle(300);
      await upkeep.close();
      expect(error).toHaveBeenCalledTimes(1);
      expect(error.mock.calls[0]?.[1]).toMatch(/upkeep stopped: the index does not exist/);
      // What the alert AcsaSearchIndexUpkeepStopped watches.
      expect(await upkeepGauge()).toBe(0);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      await other.drop();
    }
  });
});
