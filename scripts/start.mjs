#!/usr/bin/env node
// `npm start`: from a fresh clone to a running shop agent. Installs dependencies if absent, checks
// PostgreSQL and Redis (starting local ones), migrates, seeds an empty database, trains the first
// model if none is in production, then runs serving, trainer and console and prints their URLs.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SERVING_NODE_OPTIONS } from '../apps/serving/node-options.mjs';
import { ensureInstalled, run } from './lib/install.mjs';
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, ensureServices } from './lib/services.mjs';

process.chdir(new URL('..', import.meta.url).pathname);
const t0 = Date.now();
const say = (msg) => console.log(`\x1b[1m▸\x1b[0m ${msg}`);
const env = {
  ...process.env,
  NODE_ENV: process.env.NODE_ENV ?? 'development',
  DATABASE_URL: process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
  REDIS_URL: process.env.REDIS_URL ?? DEFAULT_REDIS_URL,
  NEXT_TELEMETRY_DISABLED: '1',
  TURBO_TELEMETRY_DISABLED: '1',
};

const ports = {
  serving: Number(env.PORT_SERVING ?? 8080),
  console: Number(env.PORT_CONSOLE ?? 3000),
  trainer: Number(env.TRAINER_PORT ?? 8090),
  servingMetrics: Number(env.METRICS_PORT ?? 9464),
  demoShop: Number(env.DEMO_SHOP_PORT ?? 3100),
};

// Development only: a demo storefront key, the demo shop page's publishable key, the secret the demo shop
// signs customer tokens with, and the console password, made once per checkout and kept in var/
// (gitignored) so they survive restarts. Set ACSA_DEMO_API_KEY / ACSA_DEMO_PASSWORD (and
// ACSA_DEMO_PUBLISHABLE_KEY / CUSTOMER_TOKEN_SECRET / AUTH_SECRET, the console's session secret) to choose
// your own.
const demoFile = 'var/demo-credentials.json';
const development = env.NODE_ENV !== 'production';
if (development) {
  mkdirSync('var', { recursive: true });
  const saved = existsSync(demoFile) ? JSON.parse(readFileSync(demoFile, 'utf8')) : {};
  saved.apiKey ??= `acsa_demo_${randomBytes(24).toString('base64url')}`;
  saved.password ??= randomBytes(9).toString('base64url');
  saved.publishableKey ??= `acsa_pk_demo_${randomBytes(24).toString('base64url')}`;
  saved.customerTokenSecret ??= randomBytes(32).toString('base64url');
  saved.consoleAuthSecret ??= randomBytes(32).toString('base64url');
  writeFileSync(demoFile, `${JSON.stringify(saved, null, 2)}\n`, { mode: 0o600 });
  env.ACSA_DEMO_API_KEY ??= saved.apiKey;
  env.ACSA_DEMO_PASSWORD ??= saved.password;
  env.ACSA_DEMO_PUBLISHABLE_KEY ??= saved.publishableKey;
  env.CUSTOMER_TOKEN_SECRET ??= saved.customerTokenSecret;
  env.AUTH_SECRET ??= saved.consoleAuthSecret;
  env.ACSA_DEMO_SHOP_ORIGINS ??= `http://127.0.0.1:${ports.demoShop},http://localhost:${ports.demoShop}`;
}

ensureInstalled();
say('Checking PostgreSQL and Redis');
await ensureServices({ databaseUrl: env.DATABASE_URL, redisUrl: env.REDIS_URL });

say('Applying database migrations');
run('node', ['--import', 'tsx', 'scripts/db-migrate.ts', 'deploy'], { env });
say('Seeding the demo shop (skipped when already seeded)');
run('node', ['--import', 'tsx', 'prisma/seed/main.ts'], { env });
if (existsSync('scripts/bootstrap-model.ts')) {
  say('Making sure a model is in production');
  run('node', ['--import', 'tsx', 'scripts/bootstrap-model.ts'], { env });
}

const newest = (dir) => {
  let max = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === '.next') continue;
    const p = join(dir, entry.name);
    max = Math.max(max, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return max;
};
const buildId = 'apps/console/.next/BUILD_ID';
if (!existsSync(buildId) || newest('apps/console') > statSync(buildId).mtimeMs) {
  say('Building the console');
  // Next.js builds and serves with NODE_ENV=production whatever the apps run with: a development value here
  // mixes React builds and fails prerendering.
  const built = spawnSync('npx', ['next', 'build'], {
    cwd: 'apps/console',
    stdio: 'inherit',
    env: { ...env, NODE_ENV: 'production' },
  });
  if (built.status !== 0) {
    // Next writes BUILD_ID before it finishes: remove it so the next start builds again instead of serving a broken build.
    rmSync(buildId, { force: true });
    console.error('error: the console build failed (see above)');
    process.exit(built.status || 1);
  }
}

// The storefront widget is one script built from packages/widget (served by the demo shop page).
const widgetJs = 'packages/widget/dist/acsa-widget.js';
if (development && (!existsSync(widgetJs) || newest('packages/widget/src') > statSync(widgetJs).mtimeMs)) {
  say('Building the chat widget');
  run('node', ['packages/widget/build.mjs'], { env });
}

const children = [];
function launch(name, command, args, extra = {}) {
  const child = spawn(command, args, {
    env: { ...env, ...extra.env },
    cwd: extra.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    // A group of its own, stopped whole: `npx next start` runs next-server as a child that a signal to
    // npx alone would leave running (holding the port) when this script is stopped by anything but a
    // terminal's Ctrl+C.
    detached: true,
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => console.log(`\x1b[2m[${name}]\x1b[0m ${line}`));
  }
  child.on('exit', (code, signal) => {
    if (!shuttingDown) {
      console.error(`error: ${name} exited (${signal ?? code}); stopping the others`);
      shutdown(1);
    }
  });
  children.push(child);
}
let shuttingDown = false;
function shutdown(code = 0) {
  shuttingDown = true;
  for (const c of children) {
    try {
      process.kill(-c.pid, 'SIGTERM');
    } catch {
      c.kill('SIGTERM');
    }
  }
  setTimeout(() => process.exit(code), 3000).unref();
  Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r() : c.once('exit', r))))).then(
    () => process.exit(code),
  );
}
process.once('SIGINT', () => shutdown(0));
process.once('SIGTERM', () => shutdown(0));

launch('serving', 'node', ['--import', 'tsx', 'apps/serving/src/main.ts'], {
  env: {
    PORT: String(ports.serving),
    METRICS_PORT: String(ports.servingMetrics),
    NODE_OPTIONS: [env.NODE_OPTIONS, SERVING_NODE_OPTIONS].filter(Boolean).join(' '),
    ...(development ? { HELP_CENTER_URL: `http://127.0.0.1:${ports.demoShop}/help` } : {}),
  },
});
if (development) {
  launch('demo-shop', 'node', ['--import', 'tsx', 'apps/demo-shop/src/main.ts'], {
    env: { DEMO_SHOP_PORT: String(ports.demoShop), SERVING_URL: `http://127.0.0.1:${ports.serving}` },
  });
}
launch('trainer', 'node', ['--import', 'tsx', 'apps/trainer/src/main.ts'], {
  env: { TRAINER_PORT: String(ports.trainer) },
});
launch('console', 'npx', ['next', 'start', '-p', String(ports.console), '-H', '127.0.0.1'], {
  cwd: 'apps/console',
  env: { PORT: String(ports.console), NODE_ENV: 'production' },
});

const health = {
  serving: `http://127.0.0.1:${ports.serving}/healthz`,
  trainer: `http://127.0.0.1:${ports.trainer}/healthz`,
  console: `http://127.0.0.1:${ports.console}/api/health`,
  ...(development ? { 'demo shop': `http://127.0.0.1:${ports.demoShop}/` } : {}),
};
/** Up is a 2xx; a 503 (the console without its database) is not up. Resolves to null, or the last answer. */
async function waitFor(url, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < until) {
    try {
      const res = await fetch(url);
      if (res.ok) return null;
      last = `${res.status} ${(await res.text()).slice(0, 300)}`;
    } catch (e) {
      last = e.cause?.code ?? e.message;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return last;
}
const answers = await Promise.all(
  Object.entries(health).map(async ([name, url]) => [name, await waitFor(url)]),
);
const failed = answers.filter(([, last]) => last !== null);
if (failed.length) {
  for (const [name, last] of failed)
    console.error(`error: ${name} did not answer its health check within 60 s (last: ${last})`);
  shutdown(1);
} else {
  console.log(`
\x1b[1mACSA is up\x1b[0m (${((Date.now() - t0) / 1000).toFixed(1)} s)
  console   http://127.0.0.1:${ports.console}
  serving   http://127.0.0.1:${ports.serving}   (health: /healthz; metrics: http://127.0.0.1:${ports.servingMetrics}/metrics)
  trainer   http://127.0.0.1:${ports.trainer}/healthz   (metrics: /metrics)
${
  env.ACSA_DEMO_API_KEY
    ? `
  demo shop page            http://127.0.0.1:${ports.demoShop}   (the chat widget, bottom right)
  demo storefront API key   ${env.ACSA_DEMO_API_KEY}
  demo console sign-in      admin@ / engineer@ / reviewer@ / reviewer2@example.com, password ${env.ACSA_DEMO_PASSWORD}
  (development only; kept in ${demoFile})
`
    : ''
}Press Ctrl+C to stop.`);
}
