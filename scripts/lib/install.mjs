// Installs dependencies when they are absent or older than the lockfile, and generates the Prisma client.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

export function run(command, args, options = {}) {
  const res = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (res.status !== 0) {
    console.error(`error: \`${[command, ...args].join(' ')}\` failed (exit ${res.status ?? res.signal})`);
    process.exit(res.status || 1);
  }
}

const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);

export function ensureInstalled(log = console.error) {
  const marker = 'node_modules/.package-lock.json';
  if (!existsSync(marker) || mtime('package-lock.json') > mtime(marker)) {
    log('Installing dependencies (npm ci)…');
    run('npm', ['ci', '--no-audit', '--no-fund']);
  }
  if (
    !existsSync('prisma/generated/client.ts') ||
    mtime('prisma/schema.prisma') > mtime('prisma/generated/client.ts')
  ) {
    run('node', ['scripts/prisma-generate.mjs']);
  }
}
