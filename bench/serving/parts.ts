/**
 * Where a chat turn's CPU goes: each part of the turn run alone, in this process, against the bench's own
 * database (full demo shop) and Redis, many at a time; CPU per operation of this process, of the
 * PostgreSQL backends and of Redis, so every part's whole cost (including parsing its replies) is counted.
 * Usage: npx tsx bench/serving/parts.ts [--n 2000] [--concurrency 16] [--append results/<date>.md]
 */
import { appendFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { uuidv7 } from '@acsa/core/ids';
import { createLogger } from '@acsa/core/logger';
import { testServiceUrls } from '@acsa/db/testing';
import { Redis } from 'ioredis';
import pg from 'pg';
import { ApiKeyAuth } from '../../apps/serving/src/auth/api-keys.ts';
import { createLookupGuards } from '../../apps/serving/src/auth/lookup-guard.ts';
import { makeChatSchemas } from '../../apps/serving/src/chat/chat-schemas.ts';
import { createTurnHandler } from '../../apps/serving/src/chat/handle-turn.ts';
import { SessionStore } from '../../apps/serving/src/chat/session-store.ts';
import { sessionTokenHash } from '../../apps/serving/src/chat/session-token.ts';
import { createDb, sql } from '../../apps/serving/src/db/sql.ts';
import { decideTurn } from '../../apps/serving/src/dialogue/index.ts';
import { InteractionPublisher } from '../../apps/serving/src/events/interaction-publisher.ts';
import { RateLimiter } from '../../apps/serving/src/http/rate-limit.ts';
import { createKnowledge } from '../../apps/serving/src/knowledge/index.ts';
import { loadModelVersion } from '../../apps/serving/src/models/load-version.ts';
import { ModelRegistry } from '../../apps/serving/src/models/model-registry.ts';
import { NluService } from '../../apps/serving/src/nlu/nlu-service.ts';
import { createTurnWriter, type TTurnRecord } from '../../apps/serving/src/persist/turn-store.ts';
import { initialState, type TUnderstanding } from '../../apps/serving/src/turn/types.ts';
import { conversationSource } from './conversations.ts';
import { cpuSeconds, pidsByName } from './proc-stats.ts';
import { promote } from './promotions.ts';
import { API_KEY, setUpBench, TOKEN_SECRET } from './setup.ts';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '16' },
    /** Appends the table to this Markdown file (a results file of run.ts). */
    append: { type: 'string' },
  },
});
const N = Number(values.n);
const C = Number(values.concurrency);
const { databaseUrl: serverUrl, redisUrl: redisBase } = testServiceUrls();
const bench = await setUpBench({ serverUrl, redisBaseUrl: redisBase, redisDb: 12, log: console.error });
await promote(bench, bench.versions[0]);

const logger = createLogger({ name: 'parts', level: 'warn' });
const pool = new pg.Pool({ connectionString: bench.databaseUrl, max: 10 });
const redis = new Redis(bench.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
const queueRedis = new Redis(bench.redisUrl, { maxRetriesPerRequest: null });
await new Promise((r) => redis.once('ready', r));
const prisma = bench.prisma;
const db = createDb(pool);
const batching = { enabled: true, maxBatch: 32, maxWaitMs: 2 };
const registry = new ModelRegistry(db, logger, batching);
const unbatched = new ModelRegistry(db, logger, { ...batching, enabled: false });
await Promise.all([registry.reconcile(), unbatched.reconcile()]);
const products = await db.query<{ name: string }>(sql`SELECT name FROM "Product" WHERE active`);
const names = products.map((p) => p.name);
const nlu = new NluService({ cacheSize: 10_000, productNames: names });
const nluNoCache = new NluService({ cacheSize: 0, productNames: names });
const knowledge = createKnowledge({ pool, redis, prefix: 'acsa:kb:' });
const sessions = new SessionStore(redis, pool, 1_800, 'acsa:session:');
const limiter = new RateLimiter(
  redis,
  { perSessionPerMinute: 1e6, perKeyPerMinute: 1e9, perAddressPerMinute: 1e9 },
  'acsa:rl:',
);
const publisher = new InteractionPublisher({ connection: queueRedis, pool, logger, prefix: 'acsa:bull' });
const auth = new ApiKeyAuth(db);
const schemas = makeChatSchemas(2_000);
const principal = await auth.authenticate(`Bearer ${API_KEY}`, { scope: 'chat' });
const guards = createLookupGuards(redis, 'acsa:guard:');
// A session's state is stored under its token's hash; the parts below read and write these 500.
const tokenHash = (i: number) => sessionTokenHash(`parts-token-${i % 500}`);
const savedState = (i: number) => ({ ...initialState(), sessionTokenHash: tokenHash(i) });
const handleTurn = createTurnHandler({
  db,
  turns: createTurnWriter(pool),
  registry,
  nlu,
  sessions,
  publisher,
  decide: (input) => decideTurn({ ...input, knowledge }),
  guards,
  customerTokenSecret: TOKEN_SECRET,
});

// Inputs: first turns of the bench's own conversation mix, so the parts see what the load test sends.
const next = conversationSource({ orders: bench.orders, tokenSecret: TOKEN_SECRET, seed: 11 });
const firstTurns = Array.from({ length: 4_000 }, () => next()).map((c) => ({
  text: c.turns[0]?.text ?? 'hi',
  ...(c.customerToken ? { customerToken: c.customerToken } : {}),
}));
const model = registry.route('x');
if (!model) throw new Error('no model loaded');
const understood: TUnderstanding[] = [];
for (const t of firstTurns.slice(0, 500)) understood.push(await nlu.understand(model.model, t.text));

type TRow = { part: string; ops: number; opsPerS: number; nodeUs: number; pgUs: number; redisUs: number };
const rows: TRow[] = [];
const pgPids = async () =>
  (
    await prisma.$queryRaw<
      { pid: number }[]
    >`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`
  ).map((r) => Number(r.pid));
const redisPids = pidsByName('redis-server');
const sum = (pids: number[]) => pids.reduce((s, p) => s + cpuSeconds(p), 0);

async function part(name: string, op: (i: number) => Promise<unknown> | unknown, n = N): Promise<void> {
  for (let i = 0; i < Math.min(200, n); i++) await op(i);
  const pids = await pgPids();
  const [pg0, r0, c0, t0] = [sum(pids), sum(redisPids), process.cpuUsage(), performance.now()];
  let i = 0;
  await Promise.all(
    Array.from({ length: C }, async () => {
      while (i < n) await op(i++);
    }),
  );
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const us = (s: number) => (s * 1e6) / n;
  rows.push({
    part: name,
    ops: n,
    opsPerS: n / wall,
    nodeUs: us((c.user + c.system) / 1e6),
    pgUs: us(sum(pids) - pg0),
    redisUs: us(sum(redisPids) - r0),
  });
  console.error(`  ${name}: done`);
}

const body = (i: number) => ({
  sessionId: `parts-${i}`,
  text: firstTurns[i % firstTurns.length]?.text ?? 'hi',
});
await part('auth (cached API key) + body validation (zod)', (i) => {
  void auth.authenticate(`Bearer ${API_KEY}`, { scope: 'chat' });
  return schemas.ZChatRequest.parse(body(i));
});
await part('rate limit + session state read (one Lua script)', (i) =>
  limiter.check(principal.id, `parts-${i % 500}`, {
    read: sessions.prefetchKey(principal.id, `parts-${i % 500}`, tokenHash(i)) ?? undefined,
  }),
);
await part('session state save (Redis SET EX)', (i) =>
  sessions.save(principal.id, `parts-${i % 500}`, savedState(i)),
);
await part('session state load alone, known session (Redis GET hit)', (i) =>
  sessions.load(principal.id, `parts-${i % 500}`, tokenHash(i)),
);
await part('session state load alone, new session (Redis miss, Redis healthy)', (i) =>
  sessions.load(principal.id, `parts-new-${i}`, tokenHash(i)),
);
await part('NLU, cache hit (normalise + lookup + entities)', (i) =>
  nlu.understand(model.model, firstTurns[i % 500]?.text ?? ''),
);
await part('NLU, cache miss, micro-batched ONNX', (i) =>
  nluNoCache.understand(model.model, firstTurns[i % firstTurns.length]?.text ?? ''),
);
const classifier = model.model.classifier;
const texts = (i: number) => firstTurns[i % firstTurns.length]?.text ?? '';
await part('  of which: featurise one text', (i) => classifier.featurize(texts(i)));
await part('  of which: entities of one text', (i) => nlu.understand(model.model, texts(i % 500)));
await part('  of which: ONNX run, batch of 1', (i) => classifier.logits([classifier.featurize(texts(i))]));
await part('  of which: ONNX run, batch of 16 (per text)', (i) =>
  i % 16 === 0
    ? classifier.logits(Array.from({ length: 16 }, (_, j) => classifier.featurize(texts(i + j))))
    : null,
);
const plain = unbatched.route('x');
if (plain)
  await part('NLU, cache miss, one ONNX run per text', (i) =>
    nluNoCache.understand(plain.model, firstTurns[i % firstTurns.length]?.text ?? ''),
  );
await part('decide (policy + knowledge, Redis cache-aside)', (i) =>
  decideTurn({
    understanding: understood[i % understood.length] as TUnderstanding,
    state: initialState(),
    customer: null,
    knowledge,
    guard: guards(principal.id),
    now: new Date(),
  }),
);
const versionId = bench.versions[0].id;
const u0 = understood[0] as TUnderstanding;
const turnRecord = (): TTurnRecord => ({
  conversationId: uuidv7(),
  sessionId: 'parts',
  apiKeyId: principal.id,
  customerId: null,
  variant: null,
  at: new Date(),
  seq: 0,
  user: { id: uuidv7(), understanding: u0, latencyMs: 1 },
  agent: { id: uuidv7(), text: 'Hello! How can I help you today?' },
  modelVersionId: versionId,
  state: initialState(),
  escalation: null,
});
const oneByOne = createTurnWriter(pool, { maxBatch: 1, maxInFlight: 10 });
await part('persist turn, one statement per turn', () => oneByOne.write(turnRecord()));
const writer = createTurnWriter(pool);
await part(`persist turn, batched as serving does (${C} waiting at a time)`, () =>
  writer.write(turnRecord()),
);
await part('publish interaction event (buffered, one BullMQ job per flush)', async (i) => {
  publisher.publish({
    version: 2,
    messageId: uuidv7(),
    conversationId: uuidv7(),
    sessionId: `parts-${i}`,
    at: new Date().toISOString(),
    intent: u0.intent,
    confidence: u0.confidence,
    topK: u0.topK,
    outOfScope: u0.outOfScope,
    lowConfidence: u0.lowConfidence,
    entityTypes: [],
    modelVersion: bench.versions[0].name,
    modelVersionId: versionId,
    variant: null,
    escalated: false,
    latencyMs: 1,
  });
  // Let the 50 ms flush run inside the measured window.
  if (i % 100 === 99) await new Promise((r) => setTimeout(r, 55));
});
let serial = 0;
await part('whole turn in process (handleTurn, no HTTP)', (i) =>
  handleTurn(principal, {
    sessionId: `parts-whole-${++serial}`,
    ...(firstTurns[i % firstTurns.length] ?? { text: 'hi' }),
  }),
);

// The background work of a hot swap: what a worker does between the alias-move message and the swap.
const loads: number[] = [];
for (let i = 0; i < 10; i++) {
  const started = performance.now();
  const c = await loadModelVersion(db, (i % 2 ? bench.versions[1] : bench.versions[0]).id);
  loads.push(performance.now() - started);
  await c.release();
}
loads.sort((x, y) => x - y);

const lines = [
  `## Parts of a turn, each alone (\`npx tsx bench/serving/parts.ts\`, load average ${loadavg()[0]?.toFixed(2)})`,
  '',
  `| part (${C} at a time) | ops/s alone | node CPU µs/op | PostgreSQL CPU µs/op | Redis CPU µs/op |`,
  '|---|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${r.part} | ${r.opsPerS.toFixed(0)} | ${r.nodeUs.toFixed(0)} | ${r.pgUs.toFixed(0)} | ${r.redisUs.toFixed(0)} |`,
  ),
  '',
  "Hot swap's background work (loadModelVersion: read the artifact, sha256, manifest, ONNX session, warm-up), alternating the two " +
    `versions: median ${loads[5]?.toFixed(0)} ms, max ${loads[9]?.toFixed(0)} ms.`,
];
console.log(lines.join('\n'));
if (values.append) appendFileSync(values.append, `\n${lines.join('\n')}\n`);
await publisher.close();
await Promise.all([registry.close(), unbatched.close()]);
redis.disconnect();
queueRedis.disconnect();
await pool.end();
await bench.close();
process.exit(0);
