import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SchemaFilter } from '@prisma/schema-engine-wasm';
import { ensureDatabase } from './ensure-database.ts';
import { LOCKFILE, loadMigrations, lockfileText, MIGRATIONS_DIR, SCHEMA_PATH } from './migrations-dir.ts';
import { type EngineLog, openSchemaEngine } from './wasm-engine.ts';

export { ensureDatabase } from './ensure-database.ts';
export { loadMigrations, MIGRATIONS_DIR, migrationsHash, SCHEMA_PATH } from './migrations-dir.ts';

const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };

export type MigrateOptions = {
  /** PostgreSQL connection URL of the database to migrate; created when missing. */
  url: string;
  /** Defaults to the repository's prisma/migrations. */
  migrationsDir?: string;
  /** Receives the engine's log lines (JSON), for debugging. */
  log?: EngineLog;
};

export type DeployResult = { applied: string[]; createdDatabase: boolean };

/**
 * Applies every migration not yet applied, like `prisma migrate deploy`: same engine (its WebAssembly
 * build), same `_prisma_migrations` bookkeeping and checksums, so either can take over a database.
 */
export async function migrateDeploy(options: MigrateOptions): Promise<DeployResult> {
  const createdDatabase = await ensureDatabase(options.url);
  const migrationsList = await loadMigrations(options.migrationsDir);
  const { engine, close } = await openSchemaEngine(options.url, undefined, options.log);
  try {
    const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: NO_FILTER });
    return { applied: appliedMigrationNames, createdDatabase };
  } catch (e) {
    throw engineError('applying migrations', e);
  } finally {
    await close();
  }
}

export type CreateMigrationOptions = MigrateOptions & {
  /** The folder name's suffix, e.g. `add_invoice_notes`. */
  name: string;
  /** Defaults to the repository's prisma/schema.prisma. */
  schemaPath?: string;
  /** Write the migration even when the schema has not changed (for hand-written SQL). */
  draft?: boolean;
};

export type CreateMigrationResult = { migration: string | null; applied: string[] };

/**
 * Like `prisma migrate dev --name NAME`: brings the development database up to date, diffs the
 * migrations (replayed on a shadow database) against the schema, writes the difference as a new
 * migration folder and applies it. Returns `migration: null` when the schema has no changes.
 */
export async function createMigration(options: CreateMigrationOptions): Promise<CreateMigrationResult> {
  const dir = options.migrationsDir ?? MIGRATIONS_DIR;
  const schemaPath = options.schemaPath ?? SCHEMA_PATH;
  const schema = await readFile(schemaPath, 'utf8');
  await ensureDatabase(options.url);
  const { engine, close } = await openSchemaEngine(options.url, schema, options.log);
  try {
    let migrationsList = await loadMigrations(dir);
    // Pending migrations first, the drift check after: on a database that is behind, the check replays
    // them on a shadow database, and the engine gets one shadow database per session, which the diff
    // below needs ("shadow DB must be provided through an external factory" otherwise).
    const applied = (await engine.applyMigrations({ migrationsList, filters: NO_FILTER }))
      .appliedMigrationNames;
    const { action } = await engine.devDiagnostic({ migrationsList, filters: NO_FILTER });
    if (action.tag === 'reset') {
      throw new Error(
        `the development database has drifted from the migrations and needs a reset: ${action.reason}`,
      );
    }
    const out = await engine.createMigration({
      draft: options.draft ?? false,
      migrationName: options.name,
      migrationsList,
      schema: { files: [{ path: schemaPath, content: schema }] },
      filters: NO_FILTER,
    });
    if (out.migrationScript === null) return { migration: null, applied };
    const folder = path.join(dir, out.generatedMigrationName);
    await mkdir(dir, { recursive: true });
    // Not recursive: an existing folder of that name is an error, as in the Prisma CLI.
    await mkdir(folder);
    await writeFile(path.join(folder, `migration.${out.extension}`), out.migrationScript, 'utf8');
    await writeFile(path.join(dir, LOCKFILE), lockfileText(out.connectorType), 'utf8');
    migrationsList = await loadMigrations(dir);
    const now = await engine.applyMigrations({ migrationsList, filters: NO_FILTER });
    return { migration: out.generatedMigrationName, applied: [...applied, ...now.appliedMigrationNames] };
  } catch (e) {
    throw engineError('creating a migration', e);
  } finally {
    await close();
  }
}

export type MigrationStatus = {
  hasMigrationsTable: boolean;
  pending: string[];
  failed: string[];
  edited: string[];
  /** Applied migrations the folder does not hold: a newer release's (the folder is behind). */
  ahead: string[];
  /** Set when the database holds migrations the folder does not, or histories diverge. */
  problem: string | null;
};

/** Like `prisma migrate status`, without touching the database. */
export async function migrationStatus(options: MigrateOptions): Promise<MigrationStatus> {
  const migrationsList = await loadMigrations(options.migrationsDir);
  const { engine, close } = await openSchemaEngine(options.url, undefined, options.log);
  try {
    const d = await engine.diagnoseMigrationHistory({
      migrationsList,
      optInToShadowDatabase: false,
      filters: NO_FILTER,
    });
    const h = d.history;
    return {
      hasMigrationsTable: d.hasMigrationsTable,
      pending: h?.diagnostic === 'databaseIsBehind' ? h.unappliedMigrationNames : [],
      failed: d.failedMigrationNames,
      edited: d.editedMigrationNames,
      ahead: h?.diagnostic === 'migrationsDirectoryIsBehind' ? h.unpersistedMigrationNames : [],
      problem:
        h === null || h.diagnostic === 'databaseIsBehind'
          ? null
          : h.diagnostic === 'migrationsDirectoryIsBehind'
            ? `the database has migrations the folder lacks: ${h.unpersistedMigrationNames.join(', ')}`
            : `the database's migration history diverges from the folder after ${h.lastCommonMigrationName ?? '(none)'}`,
    };
  } catch (e) {
    throw engineError('reading the migration status', e);
  } finally {
    await close();
  }
}

/** The engine throws JSON-ish errors; keep the human part readable. */
function engineError(doing: string, e: unknown): Error {
  const message = e instanceof Error ? e.message : String(e);
  if (message.startsWith('the development database')) return e as Error;
  return new Error(`${doing} failed: ${message}`, { cause: e });
}
