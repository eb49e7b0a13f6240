import { createLogger } from '@acsa/core/logger';
import { createTestDatabase, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { searchConversations } from '@acsa/pipelines/conversations';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { insertTurns } from '../analytics/turn-fixtures.ts';
import { startSearchIndexUpkeep } from './search-index.ts';

const { databaseUrl } = testServiceUrls();
const logger = createLogger({ name: 'search-index-test', level: 'silent' });
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase(databaseUrl);
});
afterAll(() => db?.drop());

/** Pages and entries waiting in the search index's pending list (pgstattuple reads the metapage). */
async function pending() {
  const [r] = await db.prisma.$queryRaw<{ pages: number; tuples: bigint }[]>`
    SELECT pending_pages AS pages, pending_tuples AS tuples FROM pgstatginindex('"Message_text_trgm_idx"'::regclass)`;
  return { pages: Number(r?.pages), tuples: Number(r?.tuples) };
}

const specs = (n: number, word: string) =>
  Array.from({ length: n }, (_, i) => ({
    text: `my parcel ${word} number ${i} still has not arrived at the front door`,
    intent: 'track_order',
    confidence: 0.9,
    modelVersionId: null,
    at: new Date(),
  }));

describe("the conversation search index's pending list", () => {
  it('is merged in the background, off the turn statements, and search still finds every message', async () => {
    await db.prisma.$executeRaw`CREATE EXTENSION IF NOT EXISTS pgstattuple`;
    await insertTurns(db.prisma, specs(300, 'zebracrossing'));
    // Below gin_pending_list_limit no insert merges: the new messages wait in the list.
    const before = await pending();
    expect(before.tuples).toBeGreaterThan(0);

    const upkeep = startSearchIndexUpkeep({ prisma: db.prisma, logger, everyMs: 100 });
    try {
      await expect.poll(pending, { timeout: 5_000, interval: 100 }).toEqual({ pages: 0, tuples: 0 });
      // More turns, merged by the timer again; an explicit merge now finds nothing left to do.
      await insertTurns(db.prisma, specs(50, 'quokkaparade'));
      await expect.poll(async () => (await pending()).tuples, { timeout: 5_000, interval: 100 }).toBe(0);
      expect(await upkeep.tick()).toBe(0);
    } finally {
      await upkeep.close();
    }

    // The index answers for messages merged from the list: the search (forced onto the index) finds them.
    await db.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SET LOCAL enable_seqscan = off`;
      expect(await searchConversations(tx as never, { q: 'zebracrossing', limit: 100 })).toHaveLength(100);
      expect(await searchConversations(tx as never, { q: 'quokkaparade', limit: 100 })).toHaveLength(50);
    });
  });

  it('a merge that fails (its database gone) is retried on every tick and said once in the log', async () => {
    const gone = await createTestDatabase(databaseUrl);
    await gone.drop();
    const warn = vi.fn();
    const upkeep = startSearchIndexUpkeep({ prisma: gone.prisma, logger: { warn } as never, everyMs: 50 });
    await expect(upkeep.tick()).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 300));
    await upkeep.close();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[1]).toBe('search index merge failed; will retry');
  });
});
