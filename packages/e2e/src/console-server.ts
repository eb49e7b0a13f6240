import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const CONSOLE_DIR = new URL('../../../apps/console/', import.meta.url).pathname;
/** Apart from `.next`, which `npm start` serves: building here never replaces a running console's build. */
const DIST_DIR = '.next-e2e';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.next')) continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * `next build` once (about 25 s on two cores; skipped while the build is newer than every console and
 * pipelines source), then `next start`: the tests drive the production server people run, and pages answer
 * in milliseconds instead of compiling on first visit as `next dev` does.
 */
export function buildConsole(): void {
  const buildId = join(CONSOLE_DIR, DIST_DIR, 'BUILD_ID');
  const sources = Math.max(newestSource(CONSOLE_DIR), newestSource(join(CONSOLE_DIR, '../../pipelines/src')));
  if (existsSync(buildId) && statSync(buildId).mtimeMs > sources) return;
  const built = spawnSync('npx', ['next', 'build'], {
    cwd: CONSOLE_DIR,
    env: {
      ...process.env,
      ACSA_CONSOLE_DIST_DIR: DIST_DIR,
      NEXT_TELEMETRY_DISABLED: '1',
      NODE_ENV: 'production',
    },
    encoding: 'utf8',
  });
  if (built.status !== 0) throw new Error(`next build failed:\n${built.stdout}\n${built.stderr}`);
}

/** Serving's REDIS_PREFIX in the suite: its replicas report under it, and the console reads them there. */
export const servingRedisPrefix = (queuePrefix: string) => `${queuePrefix}serving:`;

export async function startConsole(opts: {
  databaseUrl: string;
  port: number;
  queuePrefix: string;
  /** Another Redis than the suite's (REDIS_URL, or the default). */
  redisUrl?: string;
}): Promise<ChildProcess> {
  const child = spawn('npx', ['next', 'start', '-p', String(opts.port), '-H', '127.0.0.1'], {
    cwd: CONSOLE_DIR,
    env: {
      ...process.env,
      ACSA_CONSOLE_DIST_DIR: DIST_DIR,
      DATABASE_URL: opts.databaseUrl,
      QUEUE_PREFIX: opts.queuePrefix,
      ...(opts.redisUrl ? { REDIS_URL: opts.redisUrl } : {}),
      SERVING_REDIS_PREFIX: servingRedisPrefix(opts.queuePrefix),
      AUTH_SECRET: 'e2e-only-console-session-secret-0123456789',
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      PORT: String(opts.port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let log = '';
  child.stdout?.on('data', (d) => {
    log += d;
  });
  child.stderr?.on('data', (d) => {
    log += d;
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${log}`);
    try {
      const res = await fetch(`http://127.0.0.1:${opts.port}/api/health`);
      if (res.status < 500) return child;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the console did not answer within 60 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export function stopConsole(child: ChildProcess): void {
  // npx starts next as a child of its own: end the whole process group this spawn created.
  if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
}
