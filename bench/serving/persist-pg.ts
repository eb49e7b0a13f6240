/**
 * PostgreSQL's CPU per stored turn (run on purpose): serving's turn writer (apps/serving/src/persist) against a
 * fresh migrated database, `--sessions` conversations writing at once (so batches form as under load), a
 * share of the turns uncertain enough to open a review item, one in 25 escalated. Prints turns/s, the CPU
 * PostgreSQL's backends took per turn, this process's CPU per turn and peak RSS, and the load average.
 *
 *   npx tsx bench/serving/persist-pg.ts [--turns 30000] [--sessions 64] [--uncertain 0.2] [--sql "…;;…"]
 *
 * It prints how many statements carried the turns: with `--sessions 1` each carries one, so the cost of a
 * statement whatever its size and that of each turn in it can be told apart (e.g. `--sessions 1`, then 64).
 *
 * `--sql` runs statements (separated by `;;`) on the database before the turns, to measure a variant of
 * the schema (e.g. `DROP TRIGGER review_item_from_message ON "Message"`).
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { uuidv7 } from '@acsa/core/ids';
import { withDatabase } from '@acsa/db';
import { migrateDeploy } from '@acsa/db/migrate';
import { testServiceUrls } from '@acsa/db/testing';
import pg from 'pg';
import { createTurnWriter } from '../../apps/serving/src/persist/turn-store.ts';
import { initialState } from '../../apps/serving/src/turn/types.ts';
import { persistFixtures } from './persist-fixtures.ts';
import { cpuSeconds, loadAverages, peakRssMb } from './proc-stats.ts';

const { values: a } = parseArgs({
  options: {
    turns: { type: 'string', default: '30000' },
    sessions: { type: 'string', default: '64' },
    uncertain: { type: 'string', default: '0.2' },
    sql: { type: 'string', default: '' },
  },
});
const TURNS = Number(a.turns);
const WARMUP = 2_000;
const UNCERTAIN = Number(a.uncertain);
const TURNS_PER_CONVERSATION = 8;

const serverUrl = testServiceUrls().databaseUrl;
const name = `acsa_bench_serving_persist_${randomBytes(3).toString('hex')}`;
const url = withDatabase(serverUrl, name);
await migrateDeploy({ url });
const pool = new pg.Pool({ connectionString: url, max: 8 });
// Dropping the database at the end cuts connections the ended pool has not closed yet.
pool.on('error', () => undefined);
const admin = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
await admin.connect();
try {
  const { modelVersionId, apiKeyId } = await persistFixtures(pool);
  for (const statement of a.sql.split(';;').filter((s) => s.trim())) await pool.query(statement);

  const backendsCpu = async () => {
    const { rows } = await admin.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = $1',
      [name],
    );
    return rows.reduce((s, r) => s + cpuSeconds(r.pid), 0);
  };
  // Statements the writer sent, so the output gives the mean batch: `--sessions 1` makes every statement one
  // turn, more sessions make bigger batches, and the two figures tell a statement's fixed cost from a turn's.
  let statements = 0;
  const query = pool.query.bind(pool);
  pool.query = ((...args: Parameters<typeof query>) => {
    statements++;
    return query(...args);
  }) as typeof pool.query;
  const writer = createTurnWriter(pool);
  const texts = [
    'where is my order 10042',
    'I want to cancel my order please',
    'what is your return policy for shoes',
    'can you tell me a joke about cats',
    'my package arrived damaged and I am upset',
  ];
  let next = 0;
  type TMark = { cpu: number; t: number; own: NodeJS.CpuUsage; statements: number };
  let measured: TMark | null = null;
  async function conversation() {
    const conversationId = uuidv7();
    for (let turn = 0; turn < TURNS_PER_CONVERSATION && next < TURNS + WARMUP; turn++) {
      const i = next++;
      if (i === WARMUP)
        measured = {
          cpu: await backendsCpu(),
          t: performance.now(),
          own: process.cpuUsage(),
          statements,
        };
      // Deterministic: every (1 / UNCERTAIN)-th turn is unsure between two intents.
      const unsure = Math.floor((i + 1) * UNCERTAIN) > Math.floor(i * UNCERTAIN);
      const confidence = unsure ? 0.42 : 0.93;
      await writer.write({
        conversationId,
        sessionId: `bench-${conversationId}`,
        apiKeyId,
        customerId: null,
        variant: null,
        at: new Date(),
        seq: turn * 2,
        user: {
          id: uuidv7(),
          latencyMs: 3.2,
          understanding: {
            text: texts[i % texts.length] as string,
            intent: 'track_order',
            confidence,
            topK: [
              { intent: 'track_order', confidence },
              { intent: 'cancel_order', confidence: unsure ? 0.4 : 0.03 },
              { intent: 'return_item', confidence: 0.02 },
              { intent: 'refund_status', confidence: 0.01 },
              { intent: 'greeting', confidence: 0.01 },
            ],
            outOfScope: false,
            lowConfidence: unsure,
            entities: [{ type: 'order_id', value: '10042', start: 18, end: 23 }],
          },
        },
        agent: {
          id: uuidv7(),
          text: 'Order 10042 shipped on 18 November with DHL, tracking number 00340434161094042557; it should arrive on 22 November.',
        },
        modelVersionId,
        state: {
          ...initialState(),
          turn: turn + 1,
          conversationId,
          sessionTokenHash: 'a'.repeat(43),
          history: [{ role: 'user', text: 'where is my order', intent: 'track_order' }] as never,
        },
        escalation:
          i % 25 === 0
            ? {
                id: uuidv7(),
                reason: 'REQUESTED',
                summary: 'asked for a person',
                context: { transcript: [] },
              }
            : null,
      });
    }
  }
  await Promise.all(
    Array.from({ length: Number(a.sessions) }, async () => {
      while (next < TURNS + WARMUP) await conversation();
    }),
  );
  // Set by a conversation once the warm-up turns are written (TypeScript cannot follow that into the callbacks).
  const m = measured as TMark | null;
  if (!m) throw new Error('no turn was measured: --turns must be above 0');
  const pgCpu = (await backendsCpu()) - m.cpu;
  const wallS = (performance.now() - m.t) / 1000;
  const own = process.cpuUsage(m.own);
  const sent = statements - m.statements;
  const items = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM "ReviewItem"');
  console.log(
    `${TURNS} turns, ${a.sessions} sessions, ${(100 * UNCERTAIN).toFixed(0)} % uncertain${a.sql ? ` (with: ${a.sql})` : ''}: ` +
      `${(TURNS / wallS).toFixed(0)} turns/s in ${sent} statements (${(TURNS / sent).toFixed(1)} turns each); ` +
      `PostgreSQL CPU ${((1e6 * pgCpu) / TURNS).toFixed(0)} µs per turn; ` +
      `writer CPU ${((own.user + own.system) / TURNS).toFixed(0)} µs per turn, peak RSS ${peakRssMb(process.pid).toFixed(0)} MB; ` +
      `${items.rows[0]?.n} review items; load average ${loadAverages()}`,
  );
} finally {
  await pool.end();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
}
