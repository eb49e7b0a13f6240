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
      disagreementTotal: 2,
    });
    expect(v?.disagreements.map((d) => [d.text, d.production.intent, d.shadow.intent, d.reviewed])).toEqual([
      ['refund my order', 'cancel_order', 'get_refund', 'get_refund'],
      ['money back please', 'cancel_order', 'get_refund', 'get_refund'],
    ]);
    // Each names its message, for "Send to review", and says it is already in review (both were decided).
    expect(v?.disagreements.map((d) => [d.messageId, d.inReview, d.review])).toEqual([
      [userMessageIds[2], true, 'decided'],
      [userMessageIds[1], true, 'decided'],
    ]);
    expect(view.sameAsProduction).toBeNull();

    // Promoted: production moves to the shadow version, the shadow alias stays. Production now answers with
    // it and the shadow scores the same version: those turns compare it with itself and count nowhere.
    await db.prisma.modelAlias.create({ data: { name: 'production', modelVersionId: shadow.id } });
    await db.prisma.aliasHistory.create({
      data: {
        alias: 'production',
        kind: 'PROMOTE',
        fromVersionId: prod.id,
        toVersionId: shadow.id,
        actor: 'engineer@example.com',
      },
    });
    const after = await makeConversation(db.prisma, [
      { text: 'cancel it', intent: 'cancel_order', confidence: 0.9, modelVersionId: shadow.id },
    ]);
    await db.prisma.shadowPrediction.create({
      data: {
        messageId: after.userMessageIds[0]!,
        modelVersionId: shadow.id,
        intent: 'get_refund',
        confidence: 0.6,
        topK: [],
        outOfScope: false,
        lowConfidence: false,
        latencyMs: 2,
      },
    });
    await db.prisma.reviewItem.create({
      data: { messageId: userMessageIds[0]!, reason: 'SAMPLE', priority: 0.5, status: 'SKIPPED' },
    });
    const promoted = await shadowView(db.prisma);
    expect(promoted.sameAsProduction).toMatchObject({ version: 'sv-shadow', replaced: 'sv-prod' });
    expect(promoted.sameAsProduction?.promotedAt).toBeInstanceOf(Date);
    expect(promoted.versions[0]).toMatchObject({
      inShadowNow: true,
      inProductionNow: true,
      n: 4,
      agreement: 0.5,
    });
    expect(promoted.versions[0]?.disagreements.map((d) => d.text)).toEqual([
      'refund my order',
      'money back please',
    ]);
  });

  it('tells a waiting review from a decided or skipped one', async () => {
    const prod = await version('sv2-prod');
    const shadow = await version('sv2-shadow');
    const { userMessageIds } = await makeConversation(
      db.prisma,
      ['a', 'b', 'c', 'd'].map((text) => ({
        text,
        intent: 'track_order',
        confidence: 0.8,
        modelVersionId: prod.id,
      })),
    );
    for (const messageId of userMessageIds)
      await db.prisma.shadowPrediction.create({
        data: {
          messageId,
          modelVersionId: shadow.id,
          intent: 'get_refund',
          confidence: 0.7,
          topK: [],
          outOfScope: false,
          lowConfidence: false,
          latencyMs: 2,
        },
      });
    // Each disagreement went to the inbox by itself (reason DISAGREEMENT); reviewers got on with some.
    const states = ['OPEN', 'IN_PROGRESS', 'SKIPPED'] as const;
    for (const [i, status] of states.entries())
      await db.prisma.reviewItem.upsert({
        where: { messageId: userMessageIds[i]! },
        create: { messageId: userMessageIds[i]!, reason: 'DISAGREEMENT', priority: 0.5, status },
        update: { status },
      });
    await db.prisma.reviewItem.deleteMany({ where: { messageId: userMessageIds[3]! } });
    const v = (await shadowView(db.prisma)).versions.find((x) => x.version === 'sv2-shadow');
    expect(Object.fromEntries(v?.disagreements.map((d) => [d.text, d.review]) ?? [])).toEqual({
      a: 'waiting',
      b: 'waiting',
      c: 'skipped',
      d: null,
    });
  });

  it("counts a turn alike whether its row carries production's side (serving) or not (an older serving)", async () => {
    const prod = await version('sv-side-prod');
    const shadow = await version('sv-side-shadow');
    // [text, production's intent, its out-of-scope, the version that answered, the shadow's intent, side stored]
    const turns: [string, string, boolean, string, string, boolean][] = [
      ['side a', 'track_order', false, prod.id, 'track_order', true],
      ['side b', 'cancel_order', false, prod.id, 'get_refund', true],
      ['side c', 'out_of_scope', true, prod.id, 'get_refund', false],
      ['side d', 'cancel_order', false, prod.id, 'get_refund', false],
      // Answered by the shadow's own version: compared with itself, counted nowhere, either way.
      ['side e', 'greeting', false, shadow.id, 'track_order', true],
      ['side f', 'greeting', false, shadow.id, 'track_order', false],
    ];
    const { userMessageIds } = await makeConversation(
      db.prisma,
      turns.map(([text, intent, outOfScope, modelVersionId]) => ({
        text,
        intent,
        outOfScope,
        confidence: 0.8,
        modelVersionId,
      })),
    );
    const at = Date.now() - 60_000;
    await db.prisma.shadowPrediction.createMany({
      data: turns.map(([, intent, outOfScope, answeredBy, shadowIntent, stored], i) => ({
        messageId: userMessageIds[i]!,
        modelVersionId: shadow.id,
        intent: shadowIntent,
        confidence: 0.7,
        topK: [],
        outOfScope: false,
        lowConfidence: false,
        latencyMs: 2,
        createdAt: new Date(at + i * 1000),
        ...(stored
          ? {
              productionIntent: intent,
              productionOutOfScope: outOfScope,
              productionModelVersionId: answeredBy,
            }
          : {}),
      })),
    });
    const v = (await shadowView(db.prisma)).versions.find((x) => x.version === 'sv-side-shadow');
    expect(v).toMatchObject({
      n: 4,
      agreement: 0.25,
      productionOutOfScope: 0.25,
      disagreementTotal: 3,
      pairs: [
        { production: 'cancel_order', shadow: 'get_refund', n: 2 },
        { production: 'out_of_scope', shadow: 'get_refund', n: 1 },
      ],
    });
    expect(v?.disagreements.map((d) => [d.text, d.production.intent, d.shadow.intent])).toEqual([
      ['side d', 'cancel_order', 'get_refund'],
      ['side c', 'out_of_scope', 'get_refund'],
      ['side b', 'cancel_order', 'get_refund'],
    ]);
  });

  it("lists each version's own most frequent disagreements, however many another version has", async () => {
    const prod = await version('sv-pairs-prod');
    const busy = await version('sv-pairs-busy');
    const quiet = await version('sv-pairs-quiet');
    // The busy version disagrees on 210 kinds of message, each twice; the quiet one once, on one kind.
    const kinds = Array.from({ length: 210 }, (_, i) => `intent_${String(i).padStart(3, '0')}`);
    const { userMessageIds } = await makeConversation(
      db.prisma,
      [...kinds, ...kinds, 'zz_last'].map((intent, i) => ({
        text: `pairs ${i}`,
        intent,
        confidence: 0.8,
        modelVersionId: prod.id,
      })),
    );
    await db.prisma.shadowPrediction.createMany({
      data: userMessageIds.map((messageId, i) => ({
        messageId,
        modelVersionId: i < 420 ? busy.id : quiet.id,
        intent: 'something_else',
        confidence: 0.6,
        topK: [],
        outOfScope: false,
        lowConfidence: false,
        latencyMs: 2,
      })),
    });
    const view = await shadowView(db.prisma);
    const pairsOf = (name: string) => view.versions.find((v) => v.version === name)?.pairs;
    expect(pairsOf('sv-pairs-busy')).toHaveLength(15);
    expect(pairsOf('sv-pairs-busy')?.[0]).toEqual({
      production: 'intent_000',
      shadow: 'something_else',
      n: 2,
    });
    expect(pairsOf('sv-pairs-quiet')).toEqual([{ production: 'zz_last', shadow: 'something_else', n: 1 }]);
  });
});
