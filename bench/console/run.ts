// Server time of the review inbox and the conversation search on a large database: 1,000,000 messages in
// 250,000 conversations, ~100,000 open review items, 20,000 customers and orders. Times each query as the
// console's procedures run it (the @acsa/pipelines function, through Prisma and the pg adapter) and writes
// the figures and query plans (EXPLAIN ANALYZE) to bench/console/results/.
//
//   npx tsx bench/console/run.ts [--messages 1000000] [--runs 40]
//
// Uses DATABASE_URL's server (a throwaway database, dropped at the end).
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createTestDatabase, testServiceUrls } from '@acsa/db/testing';
import { searchConversations } from '@acsa/pipelines/conversations';
import { nextLabelTasks, reviewInboxList, reviewInboxSql } from '@acsa/pipelines/review';
import pg from 'pg';

const { values } = parseArgs({
  options: { messages: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '40' } },
});
const MESSAGES = Number(values.messages);
const RUNS = Number(values.runs);
const CONVERSATIONS = MESSAGES / 4;
const OUT = new URL('./results/', import.meta.url).pathname;

const started = Date.now();
const say = (m: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${m}`);
const db = await createTestDatabase(testServiceUrls().databaseUrl);
const sql = new pg.Client({ connectionString: db.url });
await sql.connect();
try {
  say(`seeding ${MESSAGES.toLocaleString()} messages`);
  // Serving's words, so trigram selectivity is realistic: a handful of topics, order numbers, filler.
  await sql.query(`
    INSERT INTO "Customer" (id, email, name)
    SELECT gen_random_uuid(), 'customer' || i || '@example.com', 'Customer ' || i FROM generate_series(1, 20000) i;
    INSERT INTO "Order" (id, number, "customerId", email, status, "subtotalCents", "shippingCents", "totalCents",
                         "shippingMethod", "shippingAddress", "paymentMethod", "placedAt", "updatedAt")
    SELECT gen_random_uuid(), 10000 + row_number() OVER (), c.id, c.email, 'SHIPPED', 1000, 0, 1000, 'standard', '{}', 'card', now(), now()
    FROM "Customer" c;
    INSERT INTO "ModelVersion" (id, version, kind, manifest, sha256, "sizeBytes", "featurizerVersion", labels, metrics)
    VALUES ('00000000-0000-7000-8000-000000000001', 'intent-bench-1', 'student-int8', '{}', 'x', 1, 1, '{}', '{}');
    WITH cu AS (SELECT id, row_number() OVER () - 1 AS k FROM "Customer")
    INSERT INTO "Conversation" (id, "sessionId", "customerId", "startedAt", "lastMessageAt")
    SELECT gen_random_uuid(), 'sess-' || i, cu.id,
           now() - (i || ' seconds')::interval, now() - (i || ' seconds')::interval
    FROM generate_series(1, ${CONVERSATIONS}) i LEFT JOIN cu ON i % 3 = 0 AND cu.k = i % 20000;`);
  say(
    "conversations and customers in; messages next (the trigger makes review items by the rule serving's writes follow)",
  );
  await sql.query(`
    WITH c AS (SELECT id, row_number() OVER () AS n, "startedAt" FROM "Conversation")
    INSERT INTO "Message" (id, "conversationId", seq, role, text, intent, confidence, "topK", "modelVersionId", "createdAt")
    SELECT gen_random_uuid(), c.id, s,
           CASE WHEN s % 2 = 0 THEN 'USER' ELSE 'AGENT' END::"MessageRole",
           (ARRAY['where is my order', 'I want a refund for', 'cancel my order please', 'my parcel is late',
                  'change the delivery address of', 'the invoice for order', 'thanks, that helps', 'talk to a person about'])[1 + (c.n * 7 + s) % 8]
             || ' ' || (10000 + (c.n * 13 + s) % 30000) || ' ' || md5((c.n * 4 + s)::text),
           CASE WHEN s % 2 = 0 THEN (ARRAY['track_order','get_refund','cancel_order','track_order','change_shipping_address','get_invoice','thank_you','contact_human_agent'])[1 + (c.n * 7 + s) % 8] END,
           CASE WHEN s % 2 = 0 THEN 0.5 + ((c.n * 31 + s * 17) % 500) / 1000.0 END,
           CASE WHEN s % 2 = 0 THEN jsonb_build_array(
             jsonb_build_object('intent', 'track_order', 'confidence', 0.5 + ((c.n * 31 + s * 17) % 500) / 1000.0),
             jsonb_build_object('intent', 'get_refund', 'confidence', ((c.n * 11 + s) % 300) / 1000.0)) END,
           CASE WHEN s % 2 = 0 THEN '00000000-0000-7000-8000-000000000001'::uuid END,
           c."startedAt" + (s || ' seconds')::interval
    FROM c CROSS JOIN generate_series(0, 3) s`);
  await sql.query('ANALYZE');
  const counts = (
    await sql.query(`SELECT (SELECT count(*) FROM "Message") AS messages, (SELECT count(*) FROM "ReviewItem") AS items,
                            (SELECT count(*) FROM "ReviewItem" WHERE status = 'OPEN') AS open`)
  ).rows[0];
  say(`seeded: ${JSON.stringify(counts)}`);
  const reviewer = await db.prisma.user.create({
    data: { email: 'bench@example.com', name: 'Bench', role: 'REVIEWER' },
  });

  const none = { reasons: [] };
  const cases: [string, () => Promise<unknown>][] = [
    ['inbox, first page (50)', () => reviewInboxList(db.prisma, { filters: none, limit: 50 })],
    [
      'inbox, reason LOW_CONFIDENCE',
      () => reviewInboxList(db.prisma, { filters: { reasons: ['LOW_CONFIDENCE'] }, limit: 50 }),
    ],
    [
      'inbox, intent get_invoice',
      () => reviewInboxList(db.prisma, { filters: { reasons: [], intent: 'get_invoice' }, limit: 50 }),
    ],
    [
      'inbox, model version',
      () =>
        reviewInboxList(db.prisma, {
          filters: { reasons: [], modelVersionId: '00000000-0000-7000-8000-000000000001' },
          limit: 50,
        }),
    ],
    [
      'labeling, next 6 (claims them)',
      () => nextLabelTasks(db.prisma, { user: reviewer, filters: none, limit: 6 }),
    ],
    ['search, words "parcel is late"', () => searchConversations(db.prisma, { q: 'parcel is late' })],
    ['search, rare words (a hash)', () => searchConversations(db.prisma, { q: 'c4ca4238a0b9' })],
    ['search, session id', () => searchConversations(db.prisma, { q: 'sess-123456' })],
    ['search, customer email', () => searchConversations(db.prisma, { q: 'customer42@example.com' })],
    ['search, order number', () => searchConversations(db.prisma, { q: '10042' })],
  ];
  const rows: string[] = [];
  for (const [name, run] of cases) {
    await run();
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      await run();
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(1);
    rows.push(`${name.padEnd(34)} p50 ${q(0.5).padStart(7)} ms   p95 ${q(0.95).padStart(7)} ms`);
    say(rows.at(-1)!);
  }

  // The plans, for the record: the same statements the functions send, with literal parameters.
  const explain = async (title: string, text: string, params: readonly unknown[] = []) =>
    `── ${title}\n${(await sql.query(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, [...params])).rows.map((r) => r['QUERY PLAN']).join('\n')}\n`;
  const inbox = (filters: Parameters<typeof reviewInboxSql>[0]) => {
    const q = reviewInboxSql(filters, 50);
    return [q.text, q.values] as const;
  };
  const plans = [
    await explain('inbox, first page', ...inbox(none)),
    await explain('inbox, reason', ...inbox({ reasons: ['LOW_CONFIDENCE'] })),
    await explain('inbox, intent', ...inbox({ reasons: [], intent: 'get_invoice' })),
    await explain(
      'search, words',
      `SELECT m."conversationId", m.text FROM "Message" m WHERE m.role = 'USER' AND m.text ILIKE $1 ORDER BY m."createdAt" DESC LIMIT 200`,
      ['%parcel is late%'],
    ),
    await explain(
      'search, rare words',
      `SELECT m."conversationId", m.text FROM "Message" m WHERE m.role = 'USER' AND m.text ILIKE $1 ORDER BY m."createdAt" DESC LIMIT 200`,
      ['%c4ca4238a0b9%'],
    ),
    await explain(
      'inbox, model version',
      ...inbox({ reasons: [], modelVersionId: '00000000-0000-7000-8000-000000000001' }),
    ),
    await explain('search, session', `SELECT id FROM "Conversation" WHERE "sessionId" = $1`, ['sess-123456']),
    await explain(
      'search, customer email (then their conversations)',
      `SELECT c.id FROM "Conversation" c WHERE c."customerId" = (SELECT id FROM "Customer" WHERE email = $1)`,
      ['customer42@example.com'],
    ),
    await explain(
      'search, order number (then its customer’s conversations)',
      `SELECT c.id FROM "Conversation" c WHERE c."customerId" = (SELECT "customerId" FROM "Order" WHERE number = $1)`,
      [10042],
    ),
  ];
  mkdirSync(OUT, { recursive: true });
  writeFileSync(`${OUT}plans.txt`, plans.join('\n'));
  writeFileSync(
    `${OUT}results.txt`,
    `${JSON.stringify(counts)}\nload average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} (the machine is shared)\n${rows.join('\n')}\n`,
  );
  say(`plans in ${OUT}plans.txt; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
} finally {
  await sql.end();
  await db.drop();
}
