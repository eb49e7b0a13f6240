/**
 * Where a turn statement's fixed cost goes (run on purpose; complements persist-pg.ts): on a fresh migrated
 * database, one backend's CPU per statement for `SELECT 1`, a one-row INSERT committed with its WAL flush and
 * the same without it, then `EXPLAIN (ANALYZE, WAL)` of serving's turn statement for one turn (its node
 * timings and its triggers). Prints peak RSS and the load average beside the figures.
 *
 *   npx tsx bench/serving/statement-cost.ts [--statements 5000]
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { uuidv7 } from '@acsa/core/ids';
import { withDatabase } from '@acsa/db';
import { migrateDeploy } from '@acsa/db/migrate';
import { testServiceUrls } from '@acsa/db/testing';
import pg from 'pg';
import { PERSIST_TURNS_SQL, persistRow } from '../../apps/serving/src/persist/turn-store.ts';
import { benchTurn, persistFixtures } from './persist-fixtures.ts';
import { cpuSeconds, loadAverages, peakRssMb } from './proc-stats.ts';

const { values: a } = parseArgs({ options: { statements: { type: 'string', default: '5000' } } });
const N = Number(a.statements);

const serverUrl = testServiceUrls().databaseUrl;
const name = `acsa_bench_statement_cost_${randomBytes(3).toString('hex')}`;
const url = withDatabase(serverUrl, name);
await migrateDeploy({ url });
const admin = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
await admin.connect();
const c = new pg.Client({ connectionString: url });
await c.connect();
try {
  const pid = (await c.query<{ p: number }>('SELECT pg_backend_pid() AS p')).rows[0]?.p as number;
  await c.query('CREATE TABLE bench_row (id bigserial PRIMARY KEY, t text, j jsonb)');

  async function perStatement(label: string, text: string, values: unknown[] = []) {
    for (let i = 0; i < 300; i++) await c.query({ name: label, text, values });
    const cpu = cpuSeconds(pid);
    const t = performance.now();
    for (let i = 0; i < N; i++) await c.query({ name: label, text, values });
    console.log(
      `${label.padEnd(34)} ${(((cpuSeconds(pid) - cpu) * 1e6) / N).toFixed(0).padStart(4)} µs backend CPU, ` +
        `${(((performance.now() - t) * 1000) / N).toFixed(0).padStart(4)} µs wall per statement`,
    );
  }
  console.log(`${N} statements each, one connection:`);
  await perStatement('SELECT 1', 'SELECT 1');
  await perStatement('one-row INSERT, commit flushed', 'INSERT INTO bench_row (t, j) VALUES ($1, $2)', [
    'hello world',
    '{"a":1}',
  ]);
  await perStatement(
    'one-row INSERT, commit not flushed',
    "INSERT INTO bench_row (t, j) SELECT $1, $2::jsonb WHERE set_config('synchronous_commit', 'off', true) IS NOT NULL",
    ['hello world', '{"a":1}'],
  );

  const { modelVersionId, apiKeyId } = await persistFixtures(c);
  const turn = (conversationId: string, seq: number) =>
    persistRow(
      benchTurn(
        { modelVersionId, apiKeyId },
        { conversationId, turn: seq / 2, text: 'where is my order 10042' },
      ),
    );
  const literal = (rows: unknown[]) => `'${JSON.stringify(rows).replaceAll("'", "''")}'`;
  await c.query(`PREPARE persist_turns(jsonb) AS ${PERSIST_TURNS_SQL.replaceAll('$1::jsonb', '$1')}`);
  // Warm: the plan cache settles on its generic plan after five executions, PL/pgSQL functions compile.
  for (let i = 0; i < 50; i++) await c.query(`EXECUTE persist_turns(${literal([turn(uuidv7(), 0)])})`);
  const conversationId = uuidv7();
  await c.query(`EXECUTE persist_turns(${literal([turn(conversationId, 0)])})`);
  const plan = await c.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN (ANALYZE, WAL, COSTS OFF) EXECUTE persist_turns(${literal([turn(conversationId, 2)])})`,
  );
  console.log("\nserving's turn statement, one turn (a conversation's second), EXPLAIN (ANALYZE, WAL):");
  for (const r of plan.rows) {
    const line = r['QUERY PLAN'];
    if (/CTE |Insert on|actual time|Trigger |Planning|Execution|WAL:/.test(line)) console.log(`  ${line}`);
  }
  console.log(`\npeak RSS ${peakRssMb(process.pid).toFixed(0)} MB; load average ${loadAverages()}`);
} finally {
  await c.end();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
}
