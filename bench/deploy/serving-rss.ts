/**
 * Peak RSS of one serving worker (SERVING_WORKERS=1, as each Kubernetes pod runs it) under closed-loop load,
 * the figure deploy/k8s sizes serving's memory request and limit from. Run on purpose:
 *   npx tsx bench/deploy/serving-rss.ts [--seconds 20] [--clients 16]
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SERVING_NODE_OPTIONS } from '../../apps/serving/node-options.mjs';
import { ensureBootstrapBundle } from '../../apps/serving/test/bootstrap-bundle.ts';
import { API_KEY, createTestShop } from '../../apps/serving/test/harness.ts';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '20' }, clients: { type: 'string', default: '16' } },
});
const SECONDS = Number(values.seconds);
const CLIENTS = Number(values.clients);
const MAIN = fileURLToPath(new URL('../../apps/serving/src/main.ts', import.meta.url));
const TSX = createRequire(import.meta.url).resolve('tsx');
const PORT = 18_480;
const TEXTS = [
  'where is my order?',
  'it is 10042',
  'alex.morgan@example.com',
  'what is your return policy',
  'do you sell hoodies',
];

const status = (pid: number, field: string) =>
  Number(
    new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0,
  ) / 1024;

const shop = await createTestShop({ bundleDir: await ensureBootstrapBundle() });
const child = spawn(process.execPath, ['--import', TSX, MAIN], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    // As the image runs it (apps/serving/Dockerfile).
    NODE_OPTIONS: SERVING_NODE_OPTIONS,
    LOG_LEVEL: 'info',
    DATABASE_URL: shop.db.url,
    REDIS_URL: shop.redis.url,
    REDIS_PREFIX: shop.redis.prefix,
    PORT: String(PORT),
    METRICS_PORT: '0',
    SERVING_WORKERS: '1',
    RATE_LIMIT_SESSION_PER_MINUTE: '100000',
  },
});
await new Promise<void>((resolve) =>
  child.stdout?.on('data', (c: Buffer) => c.toString().includes('Server listening') && resolve()),
);
const pid = child.pid as number;
const idle = status(pid, 'VmRSS');

let turns = 0;
let errors = 0;
const end = Date.now() + SECONDS * 1000;
const client = async (c: number) => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  for (let i = 0; Date.now() < end; i++) {
    const body = JSON.stringify({ sessionId: `rss-${c}-${Math.floor(i / 5)}`, text: TEXTS[i % 5] });
    const code = await new Promise<number>((resolve) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: PORT,
          method: 'POST',
          path: '/v1/chat',
          agent,
          headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
        },
        (res) => res.resume().on('end', () => resolve(res.statusCode ?? 0)),
      );
      req.on('error', () => resolve(0));
      req.end(body);
    });
    if (code === 200) turns++;
    else errors++;
  }
  agent.destroy();
};
await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
console.log(
  `serving worker (SERVING_WORKERS=1): RSS idle ${idle.toFixed(0)} MB, after load ${status(pid, 'VmRSS').toFixed(0)} MB, ` +
    `peak (VmHWM) ${status(pid, 'VmHWM').toFixed(0)} MB; ${turns} turns in ${SECONDS} s (${(turns / SECONDS).toFixed(0)}/s), ${errors} non-200, ${CLIENTS} clients`,
);
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
await shop.drop();
