import { bareModelVersion, createTestDatabase, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TActor } from '../access/roles.ts';
import { adjudicate } from '../agreement/adjudication.ts';
import { makeConversation, makeUser } from '../workbench-fixtures.ts';
import { submitLabel } from './label-actions.ts';
import { shopIntentNames } from './shop-intents.ts';

let db: TestDatabase;
let rae: TActor;
let rob: TActor;
let eli: TActor;
const text = 'where is order A123 please';

beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
  rae = await makeUser(db.prisma, 'REVIEWER', 'rae');
  rob = await makeUser(db.prisma, 'REVIEWER', 'rob');
  eli = await makeUser(db.prisma, 'ENGINEER', 'eli');
  await db.prisma.reviewSettings.update({ where: { id: 1 }, data: { overlapShare: 0 } });
});
afterAll(() => db?.drop());

async function openItem(turn = text) {
  const c = await makeConversation(db.prisma, [{ text: turn, intent: 'track_order', confidence: 0.3 }]);
  return db.prisma.reviewItem.findUniqueOrThrow({ where: { messageId: c.userMessageIds[0] } });
}

/** What a refused label must leave untouched: no label, no assignment, no audit entry, the item open. */
async function untouched(reviewItemId: string) {
  expect(await db.prisma.label.count({ where: { reviewItemId } })).toBe(0);
  expect(await db.prisma.reviewAssignment.count({ where: { reviewItemId } })).toBe(0);
  expect(await db.prisma.auditLog.count({ where: { targetId: reviewItemId } })).toBe(0);
  expect(await db.prisma.reviewItem.findUniqueOrThrow({ where: { id: reviewItemId } })).toMatchObject({
    status: 'OPEN',
    finalIntent: null,
  });
}

describe('a label is checked against the taxonomy and its text before anything is stored', () => {
  it('refuses an intent the shop does not have, naming it', async () => {
    const item = await openItem();
    await expect(
      submitLabel(db.prisma, rae, { reviewItemId: item.id, intent: 'trak_order', entities: [] }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      field: 'intent',
      message: `intent "trak_order" is not one of the shop's intents`,
    });
    await untouched(item.id);
  });

  it('refuses a span that ends before it starts or runs past the text, naming which', async () => {
    const item = await openItem();
    const good = { type: 'order_id', value: 'A123', start: 15, end: 19 };
    await expect(
      submitLabel(db.prisma, rae, {
        reviewItemId: item.id,
        intent: 'track_order',
        entities: [good, { type: 'order_id', value: 'A123', start: 19, end: 15 }],
      }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      field: 'entities[1]',
      message: 'entities[1].start: 19 must be less than end (15)',
    });
    await expect(
      submitLabel(db.prisma, rae, {
        reviewItemId: item.id,
        intent: 'track_order',
        entities: [{ type: 'order_id', value: 'A123', start: 15, end: text.length + 4 }],
      }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      field: 'entities[0]',
      message: `entities[0].end: ${text.length + 4} is past the end of the text (${text.length} characters)`,
    });
    await untouched(item.id);
  });

  it('stores a known intent with its spans, and out_of_scope', async () => {
    const item = await openItem();
    const span = { type: 'order_id', value: 'A123', start: 15, end: 19 };
    await submitLabel(db.prisma, rae, { reviewItemId: item.id, intent: 'track_order', entities: [span] });
    expect(await db.prisma.label.findFirstOrThrow({ where: { reviewItemId: item.id } })).toMatchObject({
      intent: 'track_order',
      entities: [span],
    });
    const oos = await openItem('what is the weather tomorrow');
    await submitLabel(db.prisma, rae, { reviewItemId: oos.id, intent: 'out_of_scope', entities: [] });
    expect(await db.prisma.reviewItem.findUniqueOrThrow({ where: { id: oos.id } })).toMatchObject({
      status: 'LABELED',
      finalIntent: 'out_of_scope',
    });
  });

  it("an engineer's adjudication is held to the same intents", async () => {
    await db.prisma.reviewSettings.update({ where: { id: 1 }, data: { overlapShare: 1 } });
    const item = await openItem('my parcel A777 never came');
    await submitLabel(db.prisma, rae, { reviewItemId: item.id, intent: 'complaint', entities: [] });
    await submitLabel(db.prisma, rob, { reviewItemId: item.id, intent: 'track_order', entities: [] });
    await expect(
      adjudicate(db.prisma, eli, { reviewItemId: item.id, intent: 'complain' }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', field: 'intent' });
    expect(await db.prisma.reviewItem.findUniqueOrThrow({ where: { id: item.id } })).toMatchObject({
      needsAdjudication: true,
      adjudicatedAt: null,
      finalIntent: null,
    });
    await adjudicate(db.prisma, eli, { reviewItemId: item.id, intent: 'complaint' });
    expect(await db.prisma.reviewItem.findUniqueOrThrow({ where: { id: item.id } })).toMatchObject({
      finalIntent: 'complaint',
    });
  });
});

describe('a class the shop added is one of its intents', () => {
  const refused = (reviewItemId: string, intent: string) =>
    expect(submitLabel(db.prisma, rae, { reviewItemId, intent, entities: [] })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      field: 'intent',
    });

  it('accepts an intent a dataset imported with --new-intents recorded, and still refuses a typo', async () => {
    await db.prisma.reviewSettings.update({ where: { id: 1 }, data: { overlapShare: 0 } });
    const item = await openItem('can you wrap it as a present');
    await refused(item.id, 'gift_wrap');
    const dataset = await db.prisma.dataset.create({ data: { name: 'shop-extra' } });
    await db.prisma.datasetVersion.create({
      data: {
        datasetId: dataset.id,
        version: 1,
        source: 'IMPORT',
        meta: { newIntents: ['gift_wrap'] },
        counts: {},
        exampleCount: 0,
      },
    });
    await refused(item.id, 'gift_wrp');
    await submitLabel(db.prisma, rae, { reviewItemId: item.id, intent: 'gift_wrap', entities: [] });
    expect(await db.prisma.reviewItem.findUniqueOrThrow({ where: { id: item.id } })).toMatchObject({
      finalIntent: 'gift_wrap',
    });
    expect(await shopIntentNames(db.prisma)).toEqual(expect.arrayContaining(['track_order', 'gift_wrap']));
  });

  it("accepts the labels of the model in production, not another version's", async () => {
    const item = await openItem('do you price match');
    const [prod, other] = [
      await bareModelVersion(db.prisma, 'intent-prod', { labels: ['track_order', 'price_match'] }),
      await bareModelVersion(db.prisma, 'intent-other', { labels: ['track_order', 'bulk_discount'] }),
    ];
    await db.prisma.modelAlias.create({ data: { name: 'production', modelVersionId: prod.id } });
    await db.prisma.modelAlias.create({ data: { name: 'shadow', modelVersionId: other.id } });
    await refused(item.id, 'bulk_discount');
    await submitLabel(db.prisma, rae, { reviewItemId: item.id, intent: 'price_match', entities: [] });
    expect(await shopIntentNames(db.prisma)).not.toContain('bulk_discount');
  });
});
