import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { PrismaClient } from '../../../../prisma/generated/client.ts';
import { createPrisma } from '../client.ts';
import { loadMigrations, migrateDeploy, migrationsHash } from '../migrate/index.ts';
import { quoteIdent, withDatabase } from '../url.ts';

export const TEST_DATABASE_PREFIX = 'acsa_test_';
const TEMPLATE_PREFIX = 'acsa_tpl_';
const OBJECT_IN_USE = '55006';

export type TestDatabase = {
  url: string;
  name: string;
  prisma: PrismaClient;
  /** Disconnects and drops the database. */
  drop(): Promise<void>;
};

async function withAdmin<T>(serverUrl: string, work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/**
 * The migrated, empty template database for the current migrations, built once per migrations hash.
 * Test files start in parallel: an advisory lock makes one build it while the others wait. Templates of
 * older migrations are dropped then, so editing a migration never leaves tests on a stale schema.
 */
async function ensureTemplate(serverUrl: string): Promise<string> {
  const name = `${TEMPLATE_PREFIX}${migrationsHash(await loadMigrations())}`;
  await withAdmin(serverUrl, async (admin) => {
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', ['acsa-test-template']);
    try {
      const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (rowCount) return;
      const stale = await admin.query(
        'SELECT datname FROM pg_database WHERE datname LIKE $1 AND datname <> $2',
        [`${TEMPLATE_PREFIX}%`, name],
      );
      for (const row of stale.rows)
        await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(row.datname)} WITH (FORCE)`);
      const building = `${name}_building`;
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(building)} WITH (FORCE)`);
      await migrateDeploy({ url: withDatabase(serverUrl, building) });
      // Renamed only once complete: a crash mid-build never leaves a half-migrated template behind.
      await admin.query(`ALTER DATABASE ${quoteIdent(building)} RENAME TO ${quoteIdent(name)}`);
    } finally {
      await admin.query('SELECT pg_advisory_unlock(hashtext($1))', ['acsa-test-template']);
    }
  });
  return name;
}

/**
 * A database of its own for one test file: a copy of the migrated template (a file copy, ~100 ms,
 * instead of replaying migrations), so test files run in parallel and never touch the development data.
 * `serverUrl` is any URL on the server to use (its database part is ignored).
 */
export async function createTestDatabase(serverUrl: string): Promise<TestDatabase> {
  const template = await ensureTemplate(serverUrl);
  const name = `${TEST_DATABASE_PREFIX}${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await withAdmin(serverUrl, async (admin) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`);
        return;
      } catch (e) {
        // Another file copying the same template at this instant holds it; copies are quick.
        if ((e as { code?: string }).code !== OBJECT_IN_USE || attempt >= 50) throw e;
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
      }
    }
  });
  const url = withDatabase(serverUrl, name);
  const prisma = createPrisma({ url, max: 4 });
  return {
    url,
    name,
    prisma,
    async drop() {
      await prisma.$disconnect();
      await withAdmin(serverUrl, (admin) =>
        admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`),
      );
    },
  };
}
