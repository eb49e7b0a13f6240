// Database migrations without the native schema engine (which cannot be downloaded offline).
//
//   tsx scripts/db-migrate.ts deploy         apply pending migrations (creates the database if missing)
//   tsx scripts/db-migrate.ts create NAME    write prisma/migrations/<timestamp>_NAME from the schema diff
//                                            and apply it to the development database
//   tsx scripts/db-migrate.ts status         list pending / failed / edited migrations
//   tsx scripts/db-migrate.ts ready          exit 0 once every migration in the folder is applied; a
//                                            newer release's on top are fine (a rollback's pods wait here)
//
// DATABASE_URL selects the database (default postgresql://postgres@127.0.0.1:5432/acsa). Both paths
// keep Prisma's `_prisma_migrations` table, so `prisma migrate deploy` can take over on a machine that
// has the native engine: pass --native to delegate to it.
import { spawnSync } from 'node:child_process';
import { baseEnvShape, parseEnvOrExit } from '@acsa/core/env';
import { createMigration, migrateDeploy, migrationStatus } from '@acsa/db/migrate';
import { z } from 'zod';

function usage(): never {
  console.error('usage: db-migrate.ts deploy | create NAME [--draft] | status | ready   [--native]');
  process.exit(2);
}

const args = process.argv.slice(2);
const native = args.includes('--native');
const draft = args.includes('--draft');
const [command, name] = args.filter((a) => !a.startsWith('--'));
const { DATABASE_URL: url } = parseEnvOrExit(
  z.object({ DATABASE_URL: baseEnvShape.DATABASE_URL }),
  process.env,
);

function runPrisma(prismaArgs: string[]): never {
  const r = spawnSync('npx', ['prisma', ...prismaArgs], {
    stdio: 'inherit',
    env: { ...process.env, DATABASE_URL: url },
  });
  process.exit(r.status ?? 1);
}

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;

try {
  switch (command) {
    case 'deploy': {
      if (native) runPrisma(['migrate', 'deploy']);
      const { applied, createdDatabase } = await migrateDeploy({ url });
      if (createdDatabase) console.log('created the database');
      console.log(
        applied.length
          ? `applied ${applied.length} migration(s) in ${elapsed()}:\n${applied.map((m) => `  ${m}`).join('\n')}`
          : `database is up to date (${elapsed()})`,
      );
      break;
    }
    case 'create': {
      if (!name || !/^[A-Za-z0-9_]+$/.test(name)) usage();
      if (native) runPrisma(['migrate', 'dev', '--name', name, ...(draft ? ['--create-only'] : [])]);
      const { migration, applied } = await createMigration({ url, name, draft });
      for (const m of applied.filter((m) => m !== migration)) console.log(`applied pending ${m}`);
      console.log(
        migration
          ? `wrote prisma/migrations/${migration}/migration.sql and applied it (${elapsed()})`
          : `the schema has no changes: no migration written (${elapsed()})`,
      );
      break;
    }
    case 'status': {
      if (native) runPrisma(['migrate', 'status']);
      const s = await migrationStatus({ url });
      if (!s.hasMigrationsTable) console.log('no _prisma_migrations table: run deploy');
      for (const m of s.pending) console.log(`pending  ${m}`);
      for (const m of s.failed) console.log(`failed   ${m}`);
      for (const m of s.edited) console.log(`edited   ${m} (its checksum differs from the applied one)`);
      if (s.problem) console.log(s.problem);
      const ok = s.hasMigrationsTable && !s.pending.length && !s.failed.length && !s.problem;
      if (ok) console.log('database is up to date');
      process.exitCode = ok ? 0 : 1;
      break;
    }
    case 'ready': {
      const s = await migrationStatus({ url });
      const behind = !s.hasMigrationsTable
        ? 'no _prisma_migrations table yet'
        : s.pending.length
          ? `${s.pending.length} migration(s) of this release not applied yet: ${s.pending.join(', ')}`
          : s.failed.length
            ? `failed: ${s.failed.join(', ')}`
            : s.problem && !s.ahead.length
              ? s.problem
              : null;
      console.log(
        behind ??
          `the database has every migration of this release${s.ahead.length ? ` (and ${s.ahead.length} newer)` : ''}`,
      );
      process.exitCode = behind ? 1 : 0;
      break;
    }
    default:
      usage();
  }
} catch (e) {
  console.error(`error: ${(e as Error).message}`);
  process.exit(1);
}
