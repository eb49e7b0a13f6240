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
import { benchTurn, persistFixtures } from './persist-fixtures.ts';
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
      await writer.write(
        benchTurn(
          { modelVersionId, apiKeyId },
          { conversationId, turn, text: texts[i % texts.length] as string, unsure, escalated: i % 25 === 0 },
        ),
      );
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
