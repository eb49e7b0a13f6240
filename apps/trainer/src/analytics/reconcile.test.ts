import { createLogger } from '@acsa/core/logger';
import { createTestDatabase, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { turnStats } from '@acsa/pipelines/analytics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcileInteractions, startReconciler } from './reconcile.ts';
import { recordInteraction, recordInteractions } from './record-interaction.ts';
import { eventOf, fakeModelVersion, insertTurns } from './turn-fixtures.ts';

const { databaseUrl } = testServiceUrls();
const logger = createLogger({ name: 'reconcile-test', level: 'silent' });
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase(databaseUrl);
});
afterAll(() => db?.drop());

const MINUTE = 60_000;

describe('turns whose interaction event was lost on the way', () => {
  it('are recorded from what PostgreSQL holds, once, with their review items, and a late event counts nothing more', async () => {
    const v = await fakeModelVersion(db.prisma, 'intent-r', {
      outOfScope: { label: 'oos', threshold: 0.2, lowConfidence: 0.5 },
    });
    const now = new Date();
    const ago = (min: number) => new Date(now.getTime() - min * MINUTE);
    const turns = await insertTurns(db.prisma, [
      // Analytics got this one's event.
      { text: 'where is 10042', intent: 'track_order', confidence: 0.95, modelVersionId: v.id, at: ago(10) },
      // These three lost theirs: Redis restarted empty before analytics read them.
      { text: 'cancel it all', intent: 'cancel_order', confidence: 0.9, modelVersionId: v.id, at: ago(9) },
      {
        text: 'refund maybe, or swap it',
        intent: 'get_refund',
        confidence: 0.41,
        topK: [
          { intent: 'get_refund', confidence: 0.41 },
          { intent: 'return_item', confidence: 0.39 },
        ],
        modelVersionId: v.id,
        at: ago(8),
      },
      {
        text: 'get me a person',
        intent: 'contact_human_agent',
        confidence: 0.8,
        modelVersionId: v.id,
        at: ago(7),
        escalated: true,
      },
      // Outside the range reconciled: still on its way.
      { text: 'and my invoice', intent: 'get_invoice', confidence: 0.9, modelVersionId: v.id, at: ago(0.5) },
    ]);
    await recordInteraction(db.prisma, eventOf(turns[0]!));

    const r = await reconcileInteractions(db.prisma, { from: ago(30), to: ago(2) });
    expect(r.recorded).toBe(3);
    // The hour's stats hold every stored turn: the escalation, and the low-confidence turn by the model's own
    // mark (0.41 under its 0.5), as the live events would have said.
    const [stat] = await turnStats(db.prisma);
    expect(stat).toMatchObject({ version: 'intent-r', turns: 4, escalations: 1, lowConfidenceRate: 0.25 });

    // Checking again, and the lost event arriving after all (an outbox relayed late), count nothing twice.
    expect(await reconcileInteractions(db.prisma, { from: ago(30), to: ago(2) })).toEqual({ recorded: 0 });
    expect((await recordInteraction(db.prisma, eventOf(turns[1]!))).counted).toBe(false);
    expect((await turnStats(db.prisma))[0]?.turns).toBe(4);
  });

  it('the reconciler moves on through time: each check takes what is old enough since the last', async () => {
    // A database of its own: the turns of the test before are in this one's lookback.
    const own = await createTestDatabase(databaseUrl);
    const prisma = own.prisma;
    const v = await fakeModelVersion(prisma, 'intent-s');
    const t0 = new Date();
    const reconciler = startReconciler({
      prisma: prisma,
      logger,
      everyMs: 3_600_000,
      graceMs: 2 * MINUTE,
      lookbackMs: 5 * MINUTE,
    });
    try {
      const [early, late] = await insertTurns(prisma, [
        {
          text: 'one',
          intent: 'track_order',
          confidence: 0.9,
          modelVersionId: v.id,
          at: new Date(t0.getTime() - 4 * MINUTE),
        },
        {
          text: 'two',
          intent: 'track_order',
          confidence: 0.9,
          modelVersionId: v.id,
          at: new Date(t0.getTime() - MINUTE),
        },
      ]);
      const versionTurns = async () =>
        (await turnStats(prisma)).find((s) => s.version === 'intent-s')?.turns ?? 0;
      // Now: only the turn older than the grace is taken.
      expect((await reconciler.tick(t0)).recorded).toBe(1);
      expect(await versionTurns()).toBe(1);
      expect(await prisma.interactionReceipt.count({ where: { messageId: late!.userMessageId } })).toBe(0);
      expect(await prisma.interactionReceipt.count({ where: { messageId: early!.userMessageId } })).toBe(1);
      // Two minutes on, the second is old enough.
      expect((await reconciler.tick(new Date(t0.getTime() + 2 * MINUTE))).recorded).toBe(1);
      expect(await versionTurns()).toBe(2);
    } finally {
      await reconciler.close();
      await own.drop();
    }
  });

  it('a batch is counted in one statement: each hour and variant once, an event twice in it once', async () => {
    const own = await createTestDatabase(databaseUrl);
    try {
      const v = await fakeModelVersion(own.prisma, 'intent-b');
      const hour = new Date('2026-11-20T10:00:00Z');
      const turns = await insertTurns(own.prisma, [
        {
          text: 'a',
          intent: 'track_order',
          confidence: 0.9,
          modelVersionId: v.id,
          at: new Date(hour.getTime() + 60_000),
        },
        {
          text: 'b',
          intent: 'track_order',
          confidence: 0.9,
          modelVersionId: v.id,
          at: new Date(hour.getTime() + 120_000),
          escalated: true,
        },
        {
          text: 'c',
          intent: 'track_order',
          confidence: 0.9,
          modelVersionId: v.id,
          at: new Date(hour.getTime() + 3_700_000),
        },
        {
          text: 'd',
          intent: 'track_order',
          confidence: 0.9,
          modelVersionId: v.id,
          variant: 'treatment',
          at: new Date(hour.getTime() + 180_000),
        },
      ]);
      const events = turns.map((t) => ({ ...eventOf(t), modelVersion: 'intent-b' }));
      const r = await recordInteractions(own.prisma, [...events, events[1]!]);
      expect(r.counted).toBe(4);
      const rows = await own.prisma.turnStat.findMany({ orderBy: [{ hour: 'asc' }, { variant: 'asc' }] });
      expect(
        rows.map((x) => [x.hour.toISOString().slice(11, 13), x.variant, x.turns, x.escalations]),
      ).toEqual([
        ['10', '', 2, 1],
        ['10', 'treatment', 1, 0],
        ['11', '', 1, 0],
      ]);
      expect((await recordInteractions(own.prisma, events)).counted).toBe(0);
    } finally {
      await own.drop();
    }
  });
});
