import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPrisma } from '@acsa/db';
import { createTestDatabase, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_DB_LIMITS } from '../../apps/console/src/server/db-limits.ts';
import { createPool } from '../../apps/serving/src/db/pool.ts';
import { createReplicaPool } from '../../apps/serving/src/knowledge/read-router.ts';
import { TRAINER_DB_LIMITS } from '../../apps/trainer/src/db-limits.ts';
import { needsTool } from './needs-tool.ts';

const PGBOUNCER = process.env.PGBOUNCER ?? '/usr/sbin/pgbouncer';
/** The manifests' pgbouncer.ini, which kustomization.yaml's configMapGenerator makes PgBouncer's ConfigMap. */
const INI = fileURLToPath(new URL('../k8s/base/pgbouncer.ini', import.meta.url));

/** PgBouncer's version, e.g. [1, 18], or null where it is not installed. */
function installedVersion(): [number, number] | null {
  if (!existsSync(PGBOUNCER)) return null;
  const m = /PgBouncer (\d+)\.(\d+)/.exec(execFileSync(PGBOUNCER, ['--version'], { encoding: 'utf8' }));
  return m ? [Number(m[1]), Number(m[2])] : null;
}
const version = installedVersion();
/** max_prepared_statements came in 1.21: older versions refuse to load a file naming it. */
const tracksPrepared = version != null && (version[0] > 1 || version[1] >= 21);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/**
 * The manifest's pgbouncer.ini made to run here: its pools point at `database` on the test server (in the
 * cluster, postgres-primary and postgres-replica), it listens on `port`, and trusts the test's user (the
 * cluster's scram-sha-256 needs the Secret's userlist). Everything else is the manifest's, as written.
 */
function localIni(database: URL, port: number, dir: string): string {
  let ini = readFileSync(INI, 'utf8');
  ini = ini.replace(
    /host=postgres-(primary|replica) port=5432 dbname=acsa/g,
    `host=${database.hostname} port=${database.port || 5432} dbname=${database.pathname.slice(1)}`,
  );
  ini = ini.replace(/^listen_addr = .*$/m, 'listen_addr = 127.0.0.1');
  ini = ini.replace(/^listen_port = .*$/m, `listen_port = ${port}`);
  ini = ini.replace(/^auth_type = .*$/m, 'auth_type = trust');
  ini = ini.replace(/^auth_file = .*$/m, `auth_file = ${path.join(dir, 'userlist.txt')}`);
  if (!tracksPrepared) ini = ini.replace(/^max_prepared_statements = .*$/m, '');
  return ini;
}

let db: TestDatabase;
let bouncer: ChildProcess | null = null;
let dir = '';
let port = 0;
let log = '';
/** The URL of one of the manifest's pools, as an app's Secret names it. */
const poolUrl = (pool: string) => `postgresql://postgres@127.0.0.1:${port}/${pool}`;

describe(
  'PgBouncer as the manifest configures it, in front of a real PostgreSQL',
  needsTool(version, 'pgbouncer is not installed (npm test installs it with apt-get)'),
  () => {
    beforeAll(async () => {
      db = await createTestDatabase(testServiceUrls().databaseUrl);
      dir = mkdtempSync(path.join(tmpdir(), 'acsa-pgbouncer-'));
      port = await freePort();
      writeFileSync(path.join(dir, 'pgbouncer.ini'), localIni(new URL(db.url), port, dir));
      writeFileSync(path.join(dir, 'userlist.txt'), '"postgres" ""\n');
      chmodSync(dir, 0o755);
      // PgBouncer will not run as root: as root (a container, CI), it drops to the database server's user.
      const serverUser = readFileSync('/etc/passwd', 'utf8').includes('\npostgres:') ? 'postgres' : 'nobody';
      const asUser = process.getuid?.() === 0 ? ['-u', serverUser] : [];
      bouncer = spawn(PGBOUNCER, [...asUser, path.join(dir, 'pgbouncer.ini')], { stdio: 'pipe' });
      bouncer.stderr?.on('data', (d) => {
        log += String(d);
      });
      bouncer.stdout?.on('data', (d) => {
        log += String(d);
      });
      // Listening once its log says so; a file it refuses ends it with the reason.
      await new Promise<void>((resolve, reject) => {
        const timer = setInterval(() => {
          if (/process up/.test(log)) {
            clearInterval(timer);
            resolve();
          }
        }, 50);
        bouncer?.once('exit', (code) => {
          clearInterval(timer);
          reject(new Error(`pgbouncer exited (${code}): ${log}`));
        });
      });
    });
    afterAll(async () => {
      bouncer?.kill('SIGTERM');
      await db?.drop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('listens on TCP only: the pod’s root filesystem is read-only, so no Unix socket in /tmp', () => {
      expect(existsSync(`/tmp/.s.PGSQL.${port}`)).toBe(false);
    });

    it('lets serving connect as it does (its limits asked at connect), and sets those limits itself', async () => {
      // Serving asks for lock_timeout, statement_timeout and idle_in_transaction_session_timeout as it connects:
      // PgBouncer refused every such connection ("unsupported startup parameter") before the pools set them.
      const pool = createPool(poolUrl('acsa_serving'), 2);
      const replica = createReplicaPool(poolUrl('acsa_replica'), 2);
      try {
        const show = async (setting: string) => (await pool.query(`SHOW ${setting}`)).rows[0][setting];
        expect(await show('statement_timeout')).toBe('30s');
        expect(await show('lock_timeout')).toBe('2s');
        expect(await show('idle_in_transaction_session_timeout')).toBe('10s');
        expect((await replica.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      } finally {
        await Promise.all([pool.end(), replica.end()]);
      }
    });

    it(
      'keeps serving’s named prepared statements across server connections (PgBouncer 1.21+)',
      needsTool(
        tracksPrepared,
        `PgBouncer ${version?.join('.')} is older than 1.21, which tracks named prepared statements`,
      ),
      async () => {
        const pool = createPool(poolUrl('acsa_serving'), 8);
        try {
          // Eight clients at once land on several server connections; each must know the statement.
          const answers = await Promise.all(
            Array.from({ length: 32 }, (_, i) =>
              pool.query({ name: 'acsa-test-named', text: 'SELECT $1::int AS n', values: [i] }),
            ),
          );
          expect(answers.map((a) => a.rows[0].n)).toEqual(Array.from({ length: 32 }, (_, i) => i));
        } finally {
          await pool.end();
        }
      },
    );

    it('lets the console connect with its limits, applied by its pool', async () => {
      const prisma = createPrisma({ url: poolUrl('acsa_console'), max: 2, ...CONSOLE_DB_LIMITS });
      try {
        const show = async (setting: string) =>
          ((await prisma.$queryRawUnsafe(`SHOW ${setting}`)) as Record<string, string>[])[0]?.[setting];
        expect(await show('statement_timeout')).toBe('1min');
        expect(await show('lock_timeout')).toBe('10s');
      } finally {
        await prisma.$disconnect();
      }
    });

    it('gives the trainer no statement limit, and its silence check stands aside for a long statement', async () => {
      const dropped: number[] = [];
      const prisma = createPrisma({
        url: poolUrl('acsa_trainer'),
        max: 2,
        ...TRAINER_DB_LIMITS,
        // Checked after 0.3 s: PgBouncer hides the backends, so the check must leave the statement alone.
        checkSilentAfterMs: 300,
        onSilentDropped: (d) => dropped.push(d.pid),
      });
      try {
        expect(await prisma.$queryRawUnsafe('SHOW statement_timeout')).toEqual([{ statement_timeout: '0' }]);
        expect(await prisma.$queryRaw`SELECT 1 AS one FROM pg_sleep(1.5)`).toEqual([{ one: 1 }]);
        expect(dropped).toEqual([]);
      } finally {
        await prisma.$disconnect();
      }
    });
  },
);
