import { bareModelVersion, createTestDatabase, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeConversation } from '../workbench-fixtures.ts';
import { shadowView } from './shadow-view.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
});
afterAll(() => db?.drop());

const version = (name: string) => bareModelVersion(db.prisma, name);

describe('shadow view', () => {
  it('compares the shadow with production on the same messages, and with reviewers where they decided', async () => {
    expect((await shadowView(db.prisma)).versions).toEqual([]);
    const prod = await version('sv-prod');
    const shadow = await version('sv-shadow');
    await db.prisma.modelAlias.create({ data: { name: 'shadow', modelVersionId: shadow.id } });
    // Production's intent, the shadow's, and (for some) the reviewers' decision.
    const turns: [string, string, string, string | null][] = [
      ['where is my parcel', 'track_order', 'track_order', null],
      ['money back please', 'cancel_order', 'get_refund', 'get_refund'],
      ['refund my order', 'cancel_order', 'get_refund', 'get_refund'],
      ['hello there', 'greeting', 'greeting', 'greeting'],
    ];
    const { userMessageIds } = await makeConversation(
      db.prisma,
      turns.map(([text, intent]) => ({ text, intent, confidence: 0.8, modelVersionId: prod.id })),
    );
    for (const [i, [, , shadowIntent, decided]] of turns.entries()) {
      const messageId = userMessageIds[i]!;
      await db.prisma.shadowPrediction.create({
        data: {
          messageId,
          modelVersionId: shadow.id,
          intent: shadowIntent,
          confidence: 0.7,
          topK: [],
          outOfScope: false,
          lowConfidence: i === 0,
          latencyMs: 2,
        },
      });
      // A disagreement is already in the inbox (the shadow trigger put it there): reviewers decided it.
      if (decided)
        await db.prisma.reviewItem.upsert({
          where: { messageId },
          create: { messageId, reason: 'SAMPLE', priority: 0.5, status: 'LABELED', finalIntent: decided },
          update: { status: 'LABELED', finalIntent: decided },
        });
    }
    const view = await shadowView(db.prisma);
    expect(view.aliases).toEqual({ production: null, shadow: 'sv-shadow' });
    const [v] = view.versions;
    expect(v).toMatchObject({
      version: 'sv-shadow',
      inShadowNow: true,
      n: 4,
      agreement: 0.5,
      shadowLowConfidence: 0.25,
      reviewed: 3,
      shadowAccuracy: 1,
      productionAccuracy: 1 / 3,
      pairs: [{ production: 'cancel_order', shadow: 'get_refund', n: 2 }],
    });
    expect(v?.disagreements.map((d) => [d.text, d.production.intent, d.shadow.intent, d.reviewed])).toEqual([
      ['refund my order', 'cancel_order', 'get_refund', 'get_refund'],
      ['money back please', 'cancel_order', 'get_refund', 'get_refund'],
    ]);
    // Each names its message, for "Send to review", and says it is already in review (both were decided).
    expect(v?.disagreements.map((d) => [d.messageId, d.inReview])).toEqual([
      [userMessageIds[2], true],
      [userMessageIds[1], true],
    ]);
  });
});
