#!/usr/bin/env node
// `npm test`: installs what is missing, makes sure PostgreSQL and Redis answer, then runs every test.
// Tests create their own databases and Redis key prefixes; the development database is never touched.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { ensureInstalled } from './lib/install.mjs';
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, ensureServices } from './lib/services.mjs';
import { testSummary } from './lib/test-summary.mjs';

process.chdir(new URL('..', import.meta.url).pathname);
ensureInstalled();
await ensureServices({
  databaseUrl: process.env.TEST_DATABASE_ADMIN_URL ?? process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
  redisUrl: process.env.REDIS_URL ?? DEFAULT_REDIS_URL,
});

/** apt-get as root, or through passwordless sudo; whether it succeeded. */
function aptGet(...args) {
  const [cmd, ...rest] = [...(process.getuid?.() === 0 ? [] : ['sudo', '-n']), 'apt-get', ...args];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  return spawnSync(cmd, rest, { stdio: 'inherit', env }).status === 0;
}

// The browser tests (packages/e2e) drive Debian's Chromium through playwright-core; a fresh machine gets it
// here (as root, or with passwordless sudo), so `npm test` passes on a new clone.
if (!process.env.CHROMIUM_PATH && !existsSync('/usr/bin/chromium')) {
  console.log('Installing Chromium for the browser tests (apt-get install chromium)');
  for (const args of [['update'], ['install', '-y', 'chromium']]) {
    if (!aptGet(...args)) {
      console.error(
        `error: apt-get ${args.join(' ')} failed; install Chromium (/usr/bin/chromium) or set CHROMIUM_PATH`,
      );
      process.exit(1);
    }
  }
}

// Tools the deployment tests run the committed configuration with, installed here when missing. Best
// effort: without one, its tests are skipped and say so.
for (const tool of [
  {
    env: 'PGBOUNCER',
    bin: '/usr/sbin/pgbouncer',
    pkg: 'pgbouncer',
    for: "the manifests' PgBouncer configuration",
  },
  {
    env: 'PROMTOOL',
    bin: '/usr/bin/promtool',
    pkg: 'prometheus',
    for: 'promtool checks of the alert rules and scrape jobs',
  },
]) {
  if (process.env[tool.env] || existsSync(tool.bin)) continue;
  console.log(`Installing ${tool.pkg} for ${tool.for} (apt-get install ${tool.pkg})`);
  const install = () => aptGet('install', '-y', '--no-install-recommends', tool.pkg);
  if (!install() && !(aptGet('update') && install()))
    console.warn(`warning: ${tool.pkg} could not be installed: the tests of ${tool.for} are skipped`);
}

// Test databases of runs that were interrupted (Ctrl+C, a crash) would pile up on the server. Only those
// nobody is connected to and made over 10 minutes ago (their name carries the time) are dropped, so a
// test run started beside another one on the same server never takes that one's databases away.
{
  const { default: pg } = await import('pg');
  const server = new URL(
    process.env.TEST_DATABASE_ADMIN_URL ?? process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
  );
  server.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: server.toString() });
  await admin.connect();
  const { rows } = await admin.query(
    `SELECT d.datname FROM pg_database d WHERE d.datname LIKE 'acsa\\_test\\_%'
       AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname)`,
  );
  const madeAt = (name) => Number.parseInt(name.slice('acsa_test_'.length).split('_')[0] ?? '', 36);
  for (const { datname } of rows) {
    const age = Date.now() - madeAt(datname);
    if (!(age > 10 * 60_000)) continue;
    // Without FORCE: one somebody connected to since the query above stays.
    await admin.query(`DROP DATABASE IF EXISTS "${datname}"`).catch(() => undefined);
  }
  await admin.end();
}

mkdirSync('var', { recursive: true });
const resultsFile = 'var/test-results.json';
// A report left by an earlier run must not be summed up as this one's when vitest writes none.
rmSync(resultsFile, { force: true });
const res = spawnSync(
  'npx',
  [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${resultsFile}`,
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);

if (existsSync(resultsFile)) {
  console.log(`\n${testSummary(JSON.parse(readFileSync(resultsFile, 'utf8'))).join('\n')}`);
}
process.exit(res.status ?? 1);
