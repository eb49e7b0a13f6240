import { createTestDatabase, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TActor } from '../access/roles.ts';
import { submitLabel } from '../review/label-actions.ts';
import { makeConversation, makeUser } from '../workbench-fixtures.ts';
import { adjudicate, adjudicationList } from './adjudication.ts';
import { agreementReport } from './agreement-report.ts';

let db: TestDatabase;
let rae: TActor;
let rob: TActor;
let eli: TActor;
beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
  rae = await makeUser(db.prisma, 'REVIEWER', 'rae');
  rob = await makeUser(db.prisma, 'REVIEWER', 'rob');
  eli = await makeUser(db.prisma, 'ENGINEER', 'eli');
  await db.prisma.reviewSettings.update({ where: { id: 1 }, data: { overlapShare: 1 } });
});
afterAll(() => db?.drop());

/** Ten overlap turns labeled as in the hand-worked example (agreement-stats.test.ts): κ = 0.4. */
async function labelTable() {
  const plan = [
    ...Array(4).fill(['track_order', 'track_order']),
    ...Array(2).fill(['track_order', 'get_refund']),
    ...Array(1).fill(['get_refund', 'track_order']),
    ...Array(3).fill(['get_refund', 'get_refund']),
  ] as [string, string][];
  for (const [i, [a, b]] of plan.entries()) {
    const c = await makeConversation(db.prisma, [{ text: `t${i}`, intent: 'track_order', confidence: 0.3 }]);
    const item = await db.prisma.reviewItem.findUniqueOrThrow({ where: { messageId: c.userMessageIds[0] } });
    await submitLabel(db.prisma, rae, { reviewItemId: item.id, intent: a, entities: [] });
    await submitLabel(db.prisma, rob, { reviewItemId: item.id, intent: b, entities: [] });
  }
}

describe('agreement and adjudication', () => {
  it('reports κ per reviewer pair and α overall as the hand-worked example says', async () => {
    await labelTable();
    const r = await agreementReport(db.prisma);
    expect(r.items).toBe(10);
    expect(r.pairs).toHaveLength(1);
    expect(r.pairs[0]).toMatchObject({ a: 'rae', b: 'rob', items: 10, observed: 0.7 });
    expect(r.pairs[0]?.kappa).toBeCloseTo(0.4, 10);
    expect(r.alpha).toBeCloseTo(1 - 114 / 198, 10);
    expect(r.intents.map((i) => i.intent)).toEqual(['get_refund', 'track_order']);
  });

  it('keeps two reviewers who share a name apart', async () => {
    const [sam1, sam2] = [
      await makeUser(db.prisma, 'REVIEWER', 'sam'),
      await makeUser(db.prisma, 'REVIEWER', 'sam'),
    ];
    for (const [i, sam] of [sam1, sam2].entries()) {
      const c = await makeConversation(db.prisma, [
        { text: `same-name ${i}`, intent: 'track_order', confidence: 0.3 },
      ]);
      const item = await db.prisma.reviewItem.findUniqueOrThrow({
        where: { messageId: c.userMessageIds[0] },
      });
      await submitLabel(db.prisma, rae, { reviewItemId: item.id, intent: 'track_order', entities: [] });
      await submitLabel(db.prisma, sam, { reviewItemId: item.id, intent: 'track_order', entities: [] });
    }
    const samPairs = (await agreementReport(db.prisma)).pairs.filter((p) => p.b === 'sam');
    expect(samPairs.map((p) => p.items)).toEqual([1, 1]);
  });

  it('disagreements wait for an engineer, whose decision is final and recorded', async () => {
    const { items: list, more } = await adjudicationList(db.prisma);
    expect(list).toHaveLength(3);
    expect(more).toBe(false);
    expect(await adjudicationList(db.prisma, { limit: 2 })).toMatchObject({
      items: list.slice(0, 2),
      more: true,
    });
    expect(list[0]?.labels.map((l) => [l.user.name, l.intent])).toEqual([
      ['rae', 'track_order'],
      ['rob', 'get_refund'],
    ]);
    await adjudicate(db.prisma, eli, { reviewItemId: list[0]!.id, intent: 'get_refund' });
    await expect(
      adjudicate(db.prisma, eli, { reviewItemId: list[0]!.id, intent: 'x' }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect((await adjudicationList(db.prisma)).items).toHaveLength(2);
    expect(await db.prisma.reviewItem.findUniqueOrThrow({ where: { id: list[0]!.id } })).toMatchObject({
      finalIntent: 'get_refund',
      adjudicatedById: eli.id,
    });
  });
});
