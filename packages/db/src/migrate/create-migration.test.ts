import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_PREFIX, testServiceUrls } from '../testing/index.ts';
import { withDatabase } from '../url.ts';
import { createMigration, MIGRATIONS_DIR, migrationStatus, SCHEMA_PATH } from './index.ts';

// `npm run db:migration -- NAME` as a developer runs it: on a database that has never been migrated (a
// fresh clone's), and on one that is up to date. The repository's migrations are copied, so the new
// one is written to a scratch folder.
const server = testServiceUrls().databaseUrl;
const dir = await mkdtemp(path.join(tmpdir(), 'acsa-migrations-'));
const migrationsDir = path.join(dir, 'migrations');
const schemaPath = path.join(dir, 'schema.prisma');
const databases: string[] = [];

function freshDatabase(): string {
  const name = `${TEST_DATABASE_PREFIX}mig_${randomBytes(4).toString('hex')}`;
  databases.push(name);
  return withDatabase(server, name);
}

afterAll(async () => {
  // The maintenance database: the server URL names the app's database, which a new machine lacks.
  const admin = new pg.Client({ connectionString: withDatabase(server, 'postgres') });
  await admin.connect();
  for (const name of databases) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
  await rm(dir, { recursive: true, force: true });
});

async function withNewModel(): Promise<void> {
  await cp(MIGRATIONS_DIR, migrationsDir, { recursive: true });
  const schema = await readFile(SCHEMA_PATH, 'utf8');
  await writeFile(schemaPath, `${schema}\nmodel ScratchNote {\n  id   Int    @id\n  body String\n}\n`);
}

describe('creating a migration', () => {
  it('on a database never migrated: applies the pending ones, writes the new one and applies it', async () => {
    await withNewModel();
    const url = freshDatabase();
    const before = (await readdir(migrationsDir)).filter((d) => !d.endsWith('.toml'));
    const result = await createMigration({ url, name: 'scratch_note', migrationsDir, schemaPath });
    expect(result.applied.slice(0, before.length)).toEqual(before.sort());
    expect(result.migration).toMatch(/^\d{14}_scratch_note$/);
    const sql = await readFile(path.join(migrationsDir, result.migration!, 'migration.sql'), 'utf8');
    expect(sql).toContain('CREATE TABLE "ScratchNote"');
    expect(await migrationStatus({ url, migrationsDir })).toMatchObject({ pending: [], problem: null });

    // Again, now that the database is up to date: nothing left to write.
    expect(await createMigration({ url, name: 'again', migrationsDir, schemaPath })).toEqual({
      migration: null,
      applied: [],
    });
    // Every migration applied twice (the database and the schema engine's shadow) and a diff: over 5 s on
    // two busy cores (a fresh-clone run timed out at vitest's default with load average 9).
  }, 120_000);
});
