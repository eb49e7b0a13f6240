/**
 * What serving's knowledge reads cost PostgreSQL, run unnamed (parsed and planned on every call) and named
 * (prepared once per connection, as createDb runs them): one backend's CPU and the client's wall time per
 * query, on the seeded demo shop, one connection, the two kinds alternating in rounds so the machine's
 * drift falls on both. Prints peak RSS and the load average beside the figures.
 *
 *   npx tsx bench/serving/knowledge-cost.ts [--queries 2000] [--rounds 3]
 */
import { parseArgs } from 'node:util';
import { testServiceUrls } from '@acsa/db/testing';
import pg from 'pg';
import { compile, createDb, type TDb, type TSql } from '../../apps/serving/src/db/sql.ts';
import {
  queryArticlesForIntent,
  querySearchArticle,
} from '../../apps/serving/src/knowledge/article-query.ts';
import { queryOrderByNumber } from '../../apps/serving/src/knowledge/order-query.ts';
import { queryProductByName } from '../../apps/serving/src/knowledge/product-query.ts';
import { cpuSeconds, loadAverages, peakRssMb } from './proc-stats.ts';
import { setUpBench } from './setup.ts';

const { values: a } = parseArgs({
  options: { queries: { type: 'string', default: '2000' }, rounds: { type: 'string', default: '3' } },
});
const N = Number(a.queries);
const ROUNDS = Number(a.rounds);
const log = (line: string) => process.stderr.write(`[knowledge-cost] ${line}\n`);

const { databaseUrl: serverUrl, redisUrl } = testServiceUrls();
const bench = await setUpBench({ serverUrl, redisBaseUrl: redisUrl, redisDb: 12, log });
// One connection, so one backend whose CPU is read from /proc.
const pool = new pg.Pool({ connectionString: bench.databaseUrl, max: 1 });
try {
  const pid = (await pool.query<{ p: number }>('SELECT pg_backend_pid() AS p')).rows[0]?.p as number;
  const named = createDb(pool);
  // The same queries unnamed: the pool's query with text and values only.
  const unnamed: TDb = {
    pool,
    async query<T>(q: TSql): Promise<T[]> {
      const { text, values } = compile(q);
      return (await pool.query(text, values)).rows as T[];
    },
  };
  const numbers = bench.orders.trackable.map((o) => o.number);
  const kinds: [string, (db: TDb, i: number) => Promise<unknown>][] = [
    ['order view by number', (db, i) => queryOrderByNumber(db, numbers[i % numbers.length] as number)],
    ['articles for an intent', (db) => queryArticlesForIntent(db, 'track_order')],
    ['full-text article search', (db) => querySearchArticle(db, 'how long does a refund take')],
    ['product by name', (db) => queryProductByName(db, 'kettle')],
  ];
  const totals = new Map<string, { cpu: number; wall: number; n: number }>();
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [label, run] of kinds) {
      for (const [how, db] of [
        ['unnamed', unnamed],
        ['named', named],
      ] as const) {
        for (let i = 0; i < 50; i++) await run(db, i);
        const cpu = cpuSeconds(pid);
        const t = performance.now();
        for (let i = 0; i < N; i++) await run(db, i);
        const key = `${label}\t${how}`;
        const sum = totals.get(key) ?? { cpu: 0, wall: 0, n: 0 };
        sum.cpu += cpuSeconds(pid) - cpu;
        sum.wall += performance.now() - t;
        sum.n += N;
        totals.set(key, sum);
      }
    }
    log(`round ${round} of ${ROUNDS} done`);
  }
  console.log(`\n${N} queries × ${ROUNDS} rounds per row, one connection, demo shop (full size):\n`);
  console.log(
    '| query | unnamed: backend CPU µs | named: backend CPU µs | unnamed: wall µs | named: wall µs |',
  );
  console.log('|---|---:|---:|---:|---:|');
  for (const [label] of kinds) {
    const u = totals.get(`${label}\tunnamed`);
    const n = totals.get(`${label}\tnamed`);
    if (!u || !n) continue;
    const us = (x: number, count: number) => ((x * 1e6) / count).toFixed(0);
    console.log(
      `| ${label} | ${us(u.cpu, u.n)} | ${us(n.cpu, n.n)} | ${us(u.wall / 1000, u.n)} | ${us(n.wall / 1000, n.n)} |`,
    );
  }
  console.log(
    `\nbackend CPU from /proc (10 ms ticks); peak RSS ${peakRssMb(process.pid).toFixed(0)} MB; load average ${loadAverages()}`,
  );
} finally {
  await pool.end();
  await bench.close();
}
