// Generates the Prisma client into prisma/generated (gitignored). `prisma generate` needs no schema
// engine, but the CLI checks that one exists and tries to download it when it does not (which fails
// offline): point it at any executable unless the caller set a real one.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const env = { ...process.env };
if (
  !env.PRISMA_SCHEMA_ENGINE_BINARY &&
  !existsSync('node_modules/@prisma/engines/schema-engine-debian-openssl-3.0.x')
) {
  env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
}
const res = spawnSync(process.execPath, ['node_modules/prisma/build/index.js', 'generate'], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env,
});
if (res.status !== 0) {
  process.stdout.write(res.stdout ?? '');
  console.error(`error: prisma generate failed (exit ${res.status ?? res.signal})`);
  process.exit(res.status || 1);
}
console.error('Generated the Prisma client (prisma/generated).');
