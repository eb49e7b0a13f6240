#!/usr/bin/env node
// `npm test`: installs what is missing, makes sure PostgreSQL and Redis answer, then runs every test.
// Tests create their own databases and Redis key prefixes; the development database is never touched.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { ensureInstalled } from './lib/install.mjs';
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, ensureServices } from './lib/services.mjs';

process.chdir(new URL('..', import.meta.url).pathname);
ensureInstalled();
await ensureServices({
  databaseUrl: process.env.TEST_DATABASE_ADMIN_URL ?? process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
  redisUrl: process.env.REDIS_URL ?? DEFAULT_REDIS_URL,
});

// Test databases of runs that were interrupted (Ctrl+C, a crash) would pile up on the server.
{
  const { default: pg } = await import('pg');
  const server = new URL(
    process.env.TEST_DATABASE_ADMIN_URL ?? process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
  );
  server.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: server.toString() });
  await admin.connect();
  const { rows } = await admin.query("SELECT datname FROM pg_database WHERE datname LIKE 'acsa\\_test\\_%'");
  for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  await admin.end();
}

mkdirSync('var', { recursive: true });
const resultsFile = 'var/test-results.json';
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

// One plain closing line that any CI reads the same way.
if (existsSync(resultsFile)) {
  const r = JSON.parse(readFileSync(resultsFile, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(
    `\n${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`,
  );
}
process.exit(res.status ?? 1);
