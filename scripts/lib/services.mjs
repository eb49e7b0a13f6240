// Checks PostgreSQL and Redis before anything else runs, and starts local ones that are down.
// Plain Node with no dependencies: it runs before `npm install` may have happened.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import net from 'node:net';

export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/acsa';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

const LOCAL = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function reachable(host, port, timeoutMs = 1500) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: host.replace(/^\[|\]$/g, ''), port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function postgresStartCommand() {
  const versions = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql') : [];
  const version = versions.sort().at(-1);
  return version ? `pg_ctlcluster --skip-systemctl-redirect ${version} main start` : null;
}

const SERVICES = {
  postgres: {
    label: 'PostgreSQL',
    defaultPort: 5432,
    start: postgresStartCommand,
    hint: 'start it with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`, or set DATABASE_URL',
  },
  redis: {
    label: 'Redis',
    defaultPort: 6379,
    start: () => 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
    hint: 'start it with `redis-server --daemonize yes --bind 127.0.0.1 --port 6379`, or set REDIS_URL',
  },
};

async function ensureOne(kind, url, log) {
  const service = SERVICES[kind];
  const parsed = new URL(url);
  const host = parsed.hostname || '127.0.0.1';
  const port = Number(parsed.port || service.defaultPort);
  if (await reachable(host, port)) return null;
  const command = LOCAL.has(host) ? service.start() : null;
  if (command) {
    log(`${service.label} is not answering on ${host}:${port}; starting it: ${command}`);
    try {
      execSync(command, { stdio: 'ignore', timeout: 30_000 });
    } catch {
      // The check below reports the failure with the hint.
    }
    for (let i = 0; i < 40; i++) {
      if (await reachable(host, port)) return null;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return `${service.label} is unreachable at ${host}:${port}: ${service.hint}`;
}

/** Resolves when both services answer; otherwise exits naming each unreachable one and how to start it. */
export async function ensureServices({ databaseUrl, redisUrl, log = console.error }) {
  const problems = (
    await Promise.all([ensureOne('postgres', databaseUrl, log), ensureOne('redis', redisUrl, log)])
  ).filter(Boolean);
  if (problems.length === 0) return;
  for (const p of problems) log(`error: ${p}`);
  process.exit(1);
}
