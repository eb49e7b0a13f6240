import { moveAlias } from '@acsa/db/registry';
import { SHADOW_ALIAS } from '@acsa/pipelines';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { API_KEY, type Harness, startServing } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startServing({ bundleDir: inject('bootstrapBundle') });
});
afterAll(() => h?.close());

const chat = async (sessionId: string, text: string) => {
  const res = await h.serving.app.inject({
    method: 'POST',
    url: '/v1/chat',
    headers: { authorization: `Bearer ${API_KEY}` },
    payload: { sessionId, text },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { reply: string; intent: string; confidence: number; modelVersion: string };
};

type TRow = { messageId: string; version: string; intent: string; confidence: number; text: string };
const shadowRows = () =>
  h.db.prisma.$queryRaw<TRow[]>`
    SELECT s."messageId", v.version, s.intent, s.confidence, m.text
    FROM "ShadowPrediction" s JOIN "ModelVersion" v ON v.id = s."modelVersionId"
    JOIN "Message" m ON m.id = s."messageId" ORDER BY m."createdAt"`;

describe('shadow traffic', () => {
  it('scores every turn with the shadow model too, stored beside the turn, without changing the reply', async () => {
    const before = await chat('shadow-before', 'where is my order?');
    expect(await shadowRows()).toEqual([]);

    const shadowId = await h.register(inject('bootstrapBundle'), 'bootstrap-shadow');
    await moveAlias(h.db.prisma, {
      alias: SHADOW_ALIAS,
      toVersionId: shadowId,
      kind: 'SHADOW',
      actor: { type: 'SYSTEM', display: 'system:test' },
    });
    await h.serving.registry.reconcile();

    const texts = ['where is my order?', 'what is your refund policy?', 'I want to talk to a person'];
    const replies = [];
    for (const [i, text] of texts.entries()) replies.push(await chat(`shadow-${i}`, text));
    // Production still answers, with what it answered before the shadow existed.
    expect(replies.map((r) => r.modelVersion)).toEqual(texts.map(() => 'bootstrap-test-1'));
    expect(replies[0]?.reply).toBe(before.reply);

    // Scored after the reply: wait for the predictions to be stored.
    await expect
      .poll(async () => {
        await h.serving.flushShadows();
        return (await shadowRows()).length;
      })
      .toBe(texts.length);
    const rows = await shadowRows();
    expect(rows.map((r) => [r.text, r.version])).toEqual(texts.map((t) => [t, 'bootstrap-shadow']));
    // The same weights under another version: the shadow must agree with production, turn by turn.
    expect(rows.map((r) => r.intent)).toEqual(replies.map((r) => r.intent));
    for (const [i, r] of rows.entries()) expect(r.confidence).toBeCloseTo(replies[i]?.confidence ?? -1, 5);
    const users = await h.db.prisma.message.findMany({
      where: { id: { in: rows.map((r) => r.messageId) } },
      select: { role: true, modelVersion: { select: { version: true } } },
    });
    expect(users.map((u) => [u.role, u.modelVersion?.version])).toEqual(
      texts.map(() => ['USER', 'bootstrap-test-1']),
    );
    // Each carries what production made of the same message, as its message holds it: the shadow page
    // compares the two from this row alone.
    const sides = await h.db.prisma.$queryRaw<{ stored: unknown[]; message: unknown[] }[]>`
      SELECT json_build_array(s."productionIntent", s."productionOutOfScope", pv.version) AS stored,
             json_build_array(m.intent, m."outOfScope", mv.version) AS message
      FROM "ShadowPrediction" s JOIN "Message" m ON m.id = s."messageId"
      LEFT JOIN "ModelVersion" pv ON pv.id = s."productionModelVersionId"
      LEFT JOIN "ModelVersion" mv ON mv.id = m."modelVersionId"
      ORDER BY m."createdAt"`;
    expect(sides.map((r) => r.stored)).toEqual(
      replies.map((r) => [r.intent, r.intent === 'out_of_scope', 'bootstrap-test-1']),
    );
    expect(sides.map((r) => r.stored)).toEqual(sides.map((r) => r.message));
  });
});
