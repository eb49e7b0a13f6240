import { bareModelVersion, createTestDatabase, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { experimentResults } from './ab-results.ts';
import { refreshExperimentResults } from './ab-stored-results.ts';

let db: TestDatabase;
let versions: { a: string; b: string };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ago = (ms: number, from = new Date()) => new Date(from.getTime() - ms);

async function experiment(name: string, o: { startedAt: Date; stoppedAt?: Date }) {
  const e = await db.prisma.experiment.create({
    data: {
      name,
      status: o.stoppedAt ? 'STOPPED' : 'RUNNING',
      startedAt: o.startedAt,
      stoppedAt: o.stoppedAt ?? null,
      variants: {
        create: [
          { name: 'control', modelVersionId: versions.a, weight: 0.5 },
          { name: 'treatment', modelVersionId: versions.b, weight: 0.5 },
        ],
      },
    },
  });
  return e.id;
}

/** A session of one customer turn and the agent's reply, as serving writes them; the reply's id. */
async function turn(variant: 'control' | 'treatment', at: Date): Promise<string> {
  const c = await db.prisma.conversation.create({ data: { sessionId: `s-${Math.random()}`, startedAt: at } });
  const modelVersionId = variant === 'control' ? versions.a : versions.b;
  await db.prisma.message.create({
    data: {
      conversationId: c.id,
      seq: 0,
      role: 'USER',
      text: 'where is my order',
      intent: 'track_order',
      confidence: 0.9,
      modelVersionId,
      variant,
      createdAt: at,
    },
  });
  const reply = await db.prisma.message.create({
    data: { conversationId: c.id, seq: 1, role: 'AGENT', text: 'here', createdAt: at },
  });
  return reply.id;
}

const rate = async (replyId: string) => {
  const m = await db.prisma.message.findUniqueOrThrow({ where: { id: replyId } });
  await db.prisma.feedback.create({
    data: { conversationId: m.conversationId, messageId: m.id, thumbs: true },
  });
};
const treatment = async (id: string, now?: Date) => {
  const r = await experimentResults(db.prisma, id, { now });
  const t = r.variants.find((v) => v.name === 'treatment')!;
  return { sessions: t.sessions, rated: t.positiveFeedbackRate.n, countedAt: r.countedAt };
};
const stored = (id: string) =>
  db.prisma.experiment.findUniqueOrThrow({ where: { id }, select: { results: true, resultsAt: true } });

beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
  versions = {
    a: (await bareModelVersion(db.prisma, 'sr-a')).id,
    b: (await bareModelVersion(db.prisma, 'sr-b')).id,
  };
});
afterAll(() => db?.drop());

describe("an ended experiment's stored results", () => {
  it('are counted once its traffic is final and read from then on, until the daily refresh recounts them', async () => {
    const id = await experiment('ended-an-hour-ago', { startedAt: ago(3 * HOUR), stoppedAt: ago(HOUR) });
    const reply = await turn('treatment', ago(2 * HOUR));
    const first = await treatment(id);
    expect(first).toMatchObject({ sessions: 1, rated: 0 });
    const { resultsAt } = await stored(id);
    expect(resultsAt).toEqual(first.countedAt);

    // A turn in its window written after the counts were stored (a backfill, say), and a late rating:
    // the page keeps showing the stored counts, with when they were made.
    await turn('treatment', ago(2 * HOUR));
    await rate(reply);
    expect(await treatment(id)).toEqual(first);

    // Not a day old yet: the trainer's refresh leaves them.
    expect(await refreshExperimentResults(db.prisma)).toEqual([]);
    const tomorrow = new Date(Date.now() + DAY + HOUR);
    expect(await refreshExperimentResults(db.prisma, { now: tomorrow })).toEqual([
      { name: 'ended-an-hour-ago', countedAt: tomorrow },
    ]);
    expect(await treatment(id)).toEqual({ sessions: 2, rated: 1, countedAt: tomorrow });
  });

  it('are not stored while its traffic may still be committing: counted on each read', async () => {
    const id = await experiment('ended-5-minutes-ago', {
      startedAt: ago(HOUR),
      stoppedAt: ago(5 * 60_000),
    });
    await turn('treatment', ago(10 * 60_000));
    const now = new Date();
    expect(await treatment(id, now)).toEqual({ sessions: 1, rated: 0, countedAt: now });
    expect(await stored(id)).toEqual({ results: null, resultsAt: null });
    expect(await refreshExperimentResults(db.prisma, { now })).toEqual([]);
    await turn('treatment', ago(10 * 60_000));
    expect((await treatment(id)).sessions).toBe(2);
  });

  it('a running experiment is counted on every read, and never stored', async () => {
    // Started after the turns of the experiments above (same versions and variant names).
    const id = await experiment('running', { startedAt: ago(8 * 60_000) });
    await turn('treatment', ago(5 * 60_000));
    expect(await treatment(id)).toEqual({ sessions: 1, rated: 0, countedAt: null });
    await turn('treatment', ago(3 * 60_000));
    expect(await treatment(id)).toEqual({ sessions: 2, rated: 0, countedAt: null });
    expect(await stored(id)).toEqual({ results: null, resultsAt: null });
  });

  it('are frozen once counted 30 days after the stop', async () => {
    const stoppedAt = ago(30 * DAY + 12 * HOUR);
    const id = await experiment('ended-a-month-ago', { startedAt: ago(HOUR, stoppedAt), stoppedAt });
    const reply = await turn('treatment', ago(30 * 60_000, stoppedAt));
    // Last counted on day 29: one more, final count.
    await db.prisma.experiment.update({
      where: { id },
      data: { resultsAt: new Date(stoppedAt.getTime() + 29 * DAY), results: {} },
    });
    expect((await refreshExperimentResults(db.prisma)).map((c) => c.name)).toEqual(['ended-a-month-ago']);
    await rate(reply);
    const later = await refreshExperimentResults(db.prisma, { now: new Date(Date.now() + 2 * DAY) });
    expect(later.map((c) => c.name)).not.toContain('ended-a-month-ago');
    expect(await treatment(id)).toMatchObject({ sessions: 1, rated: 0 });
  });
});
