import { bareModelVersion, createTestDatabase, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TVariantKey, variantCounts } from './ab-variant-counts.ts';
import { agreedIntent } from './learning-data/agreed-intent.ts';
import { makeUser } from './workbench-fixtures.ts';

let db: TestDatabase;
let variants: TVariantKey[];
const window = { from: new Date('2026-11-20T00:00:00Z'), to: new Date('2026-11-21T00:00:00Z') };

// The counts as the plain joins read them before they went through the indexes turn by turn: the
// reference the rewritten queries must agree with, row for row.
async function joinedCounts(vs: readonly TVariantKey[]) {
  const msgs = (extra: string) => `
    SELECT m.id, m.variant, m.intent, m."conversationId" ${extra}
    FROM "Message" m JOIN unnest($1::text[], $2::uuid[]) AS v(name, vid)
      ON m.variant = v.name AND m."modelVersionId" = v.vid
    WHERE m.role = 'USER' AND m."createdAt" >= $3 AND m."createdAt" < $4`;
  const args = [vs.map((v) => v.name), vs.map((v) => v.modelVersionId), window.from, window.to];
  const ratings = await db.prisma.$queryRawUnsafe<{ variant: string; rated: number; positive: number }[]>(
    `WITH msgs AS (${msgs(', m.seq')})
     SELECT msgs.variant,
            count(*) FILTER (WHERE f.thumbs IS NOT NULL OR f.rating IS NOT NULL)::int AS rated,
            count(*) FILTER (WHERE f.thumbs OR f.rating >= 4)::int AS positive
     FROM msgs
     JOIN "Message" a ON a."conversationId" = msgs."conversationId" AND a.seq = msgs.seq + 1
     JOIN "Feedback" f ON f."messageId" = a.id
     GROUP BY msgs.variant`,
    ...args,
  );
  const reviewed = await db.prisma.$queryRawUnsafe<
    { variant: string; predicted: string | null; finalIntent: string | null; labels: { intent: string }[] }[]
  >(
    `WITH msgs AS (${msgs('')})
     SELECT msgs.variant, msgs.intent AS predicted, r."finalIntent",
            (SELECT json_agg(json_build_object('intent', l.intent)) FROM "Label" l WHERE l."messageId" = msgs.id) AS labels
     FROM msgs LEFT JOIN "ReviewItem" r ON r."messageId" = msgs.id
     WHERE r."finalIntent" IS NOT NULL OR EXISTS (SELECT 1 FROM "Label" l WHERE l."messageId" = msgs.id)`,
    ...args,
  );
  const out = new Map(vs.map((v) => [v.name, { rated: 0, positive: 0, labeled: 0, correct: 0 }]));
  for (const r of ratings) Object.assign(out.get(r.variant) ?? {}, { rated: r.rated, positive: r.positive });
  for (const r of reviewed) {
    const truth = agreedIntent(r.labels ?? [], r.finalIntent);
    const c = out.get(r.variant);
    if (!truth || !c) continue;
    c.labeled++;
    if (truth === r.predicted) c.correct++;
  }
  return out;
}

beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
  const [a, b] = [await bareModelVersion(db.prisma, 'vc-a'), await bareModelVersion(db.prisma, 'vc-b')];
  variants = [
    { name: 'control', modelVersionId: a.id },
    { name: 'treatment', modelVersionId: b.id },
  ];
  const users = [];
  for (const n of ['r1', 'r2', 'r3']) users.push((await makeUser(db.prisma, 'REVIEWER', n)).id);
  // 600 conversations of three turns each, spread over two days around the window; a third answered by the
  // other variant's version under the control's name (not the experiment's traffic). Confidence below 0.6
  // makes a review item (the trigger), as serving's writes do.
  await db.prisma.$executeRawUnsafe(
    `INSERT INTO "Conversation" (id, "sessionId", "startedAt", "lastMessageAt")
     SELECT gen_random_uuid(), 'vc-' || i, $1::timestamp + (i * interval '4 minutes'), $1::timestamp
     FROM generate_series(0, 599) i`,
    new Date(window.from.getTime() - 12 * 3_600_000),
  );
  await db.prisma.$executeRawUnsafe(
    `INSERT INTO "Message" (id, "conversationId", seq, role, text, intent, confidence, "modelVersionId", variant, "createdAt")
     SELECT gen_random_uuid(), c.id, s, (CASE WHEN s % 2 = 0 THEN 'USER' ELSE 'AGENT' END)::"MessageRole", 't',
            CASE WHEN s % 2 = 0 THEN (ARRAY['track_order', 'cancel_order', 'get_refund'])[1 + abs(hashtext(c.id::text || s)) % 3] END,
            CASE WHEN s % 2 = 0 THEN (abs(hashtext(c.id::text || s)) % 100) / 100.0 END,
            CASE WHEN k % 3 = 1 THEN $2::uuid ELSE $1::uuid END,
            CASE WHEN k % 3 = 1 THEN 'treatment' ELSE 'control' END,
            c."startedAt" + s * interval '1 second'
     FROM (SELECT id, "startedAt", row_number() OVER (ORDER BY "sessionId") AS k FROM "Conversation") c
     CROSS JOIN generate_series(0, 5) s`,
    variants[0]!.modelVersionId,
    variants[1]!.modelVersionId,
  );
  // The off-version third: control's name, treatment's version.
  await db.prisma.$executeRawUnsafe(
    `UPDATE "Message" SET "modelVersionId" = $1::uuid
     WHERE "conversationId" IN (SELECT id FROM (SELECT id, row_number() OVER (ORDER BY "sessionId") k FROM "Conversation") c WHERE k % 3 = 2)`,
    variants[1]!.modelVersionId,
  );
  // Feedback: thumbs, ratings, both, neither, two on one reply, and some on customer turns (not a reply).
  await db.prisma.$executeRawUnsafe(
    `INSERT INTO "Feedback" (id, "conversationId", "messageId", thumbs, rating)
     SELECT gen_random_uuid(), m."conversationId", m.id,
            CASE h % 4 WHEN 0 THEN true WHEN 1 THEN false END,
            CASE WHEN h % 3 = 0 THEN NULL ELSE 1 + h % 5 END
     FROM (SELECT *, abs(hashtext(id::text)) AS h FROM "Message") m, generate_series(1, 1 + (m.h % 7 = 0)::int) n
     WHERE m.h % 5 <> 0`,
  );
  // Labels from three reviewers, agreeing or not, and an engineer's final intent on some review items.
  await db.prisma.$executeRawUnsafe(
    `INSERT INTO "Label" (id, "messageId", "userId", intent)
     SELECT gen_random_uuid(), m.id, u,
            (ARRAY['track_order', 'cancel_order', 'get_refund'])[1 + abs(hashtext(m.id::text || u::text)) % 3]
     FROM "Message" m CROSS JOIN unnest($1::uuid[]) WITH ORDINALITY AS x(u, n)
     WHERE m.role = 'USER' AND abs(hashtext(m.id::text)) % 4 >= x.n`,
    users,
  );
  await db.prisma.$executeRawUnsafe(
    `UPDATE "ReviewItem" SET "finalIntent" = 'track_order' WHERE abs(hashtext(id::text)) % 3 = 0`,
  );
});
afterAll(() => db?.drop());

describe('variant counts', () => {
  it('reads ratings and reviewed turns turn by turn exactly as the plain joins counted them', async () => {
    const got = await variantCounts(db.prisma, variants, window);
    const want = await joinedCounts(variants);
    const pick = (m: Map<string, Record<string, number>>) =>
      [...m].map(([name, c]) => [name, c.rated, c.positive, c.labeled, c.correct]);
    expect(pick(got)).toEqual(pick(want));
    // The seed exercises what it should: ratings, both outcomes, and reviewed turns in both variants.
    for (const [, c] of got) {
      expect(c.rated).toBeGreaterThan(c.positive);
      expect(c.positive).toBeGreaterThan(0);
      expect(c.labeled).toBeGreaterThan(c.correct);
      expect(c.correct).toBeGreaterThan(0);
    }
  });
});
