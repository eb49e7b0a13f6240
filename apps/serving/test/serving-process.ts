import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { SERVING_NODE_OPTIONS } from '../node-options.mjs';
import type { TestShop } from './harness.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const TSX = createRequire(import.meta.url).resolve('tsx');

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

export type TServingProcess = {
  child: ChildProcess;
  /** The API's port. */
  port: number;
  /** Prometheus's (METRICS_PORT). */
  metricsPort: number;
  output(): string;
  kill(): void;
};

/**
 * The real main.ts in a process group of its own on a test shop, resolved once its workers listen.
 * `kill()` SIGKILLs the group (afterAll: a worker must not outlive the database being dropped).
 */
export async function spawnServing(
  shop: TestShop,
  options: { workers?: number; env?: Record<string, string> } = {},
): Promise<TServingProcess> {
  const port = await freePort();
  const metricsPort = await freePort();
  const workers = options.workers ?? 1;
  const child = spawn(process.execPath, ['--import', TSX, MAIN], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      NODE_OPTIONS: SERVING_NODE_OPTIONS,
      LOG_LEVEL: 'info',
      DATABASE_URL: shop.db.url,
      REDIS_URL: shop.redis.url,
      REDIS_PREFIX: shop.redis.prefix,
      HOST: '127.0.0.1',
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      SERVING_WORKERS: String(workers),
      ...options.env,
    },
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const end = Date.now() + 90_000;
  while ((output.match(/Server listening/g) ?? []).length < workers) {
    if (child.exitCode !== null || Date.now() > end) throw new Error(`serving did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    port,
    metricsPort,
    output: () => output,
    kill() {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    },
  };
}
