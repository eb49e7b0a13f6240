import type { PrismaClient } from '@acsa/db';
import { moveAlias } from '@acsa/db/registry';
import type { TestDatabase } from '@acsa/db/testing';
import { testServiceUrls } from '@acsa/db/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureBootstrapBundle } from '../../../apps/serving/test/bootstrap-bundle.ts';
import { registerBundle, TOKEN_SECRET } from '../../../apps/serving/test/harness.ts';
import { seedAccess } from '../../../prisma/seed/access.ts';
import { checkPage, launch, signedIn, url } from './browser.ts';
import { freePort, servingRedisPrefix } from './console-server.ts';
import { testPrisma } from './database.ts';
import { startApp, type TAppProcess } from './processes.ts';

// Two versions of the same real bundle: what tells them apart in a reply is the version serving names.
const A = 'intent-serving-e2e-a';
const B = 'intent-serving-e2e-b';
const SEEDED_KEY = 'acsa_sk_e2e_serving_0123456789abcdef';
/** How long a move or a revocation may take to reach serving: the announcement, not the 60 s poll. */
const WITHIN_MS = 5_000;

let browser: Browser;
let prisma: PrismaClient;
let serving: TAppProcess;
beforeAll(async () => {
  browser = await launch();
  prisma = testPrisma();
  const bundle = await ensureBootstrapBundle();
  // registerBundle reads only the client: the console's database is not one this spec creates or drops.
  const db = { prisma, url: inject('databaseUrl') } as TestDatabase;
  const a = await registerBundle(db, bundle, A);
  await registerBundle(db, bundle, B);
  // Whatever another spec left in production (made-up bytes) is not a model serving can load.
  await moveAlias(prisma, {
    alias: 'production',
    toVersionId: a,
    kind: 'PROMOTE',
    actor: { type: 'SYSTEM', display: 'system:e2e' },
    reason: 'serving spec starts on A',
  });
  await seedAccess(prisma, { demoApiKey: SEEDED_KEY });
  const port = await freePort();
  serving = await startApp({
    entry: 'apps/serving/src/main.ts',
    // The console's database and Redis (the default one, where the console announces); keys of its own.
    env: {
      NODE_ENV: 'test',
      DATABASE_URL: inject('databaseUrl'),
      // The Redis the console announces on: the suite's (REDIS_URL, or the default).
      REDIS_URL: testServiceUrls().redisUrl,
      // Where the console reads serving's replica reports (its SERVING_REDIS_PREFIX).
      REDIS_PREFIX: servingRedisPrefix(inject('queuePrefix')),
      CUSTOMER_TOKEN_SECRET: TOKEN_SECRET,
      PORT: String(port),
      SERVING_WORKERS: '1',
      // Its own free port: the default 9464 is taken by a running `npm start` or another e2e file's serving.
      METRICS_PORT: '0',
      LOG_LEVEL: 'warn',
      // Far beyond the test: a move reaches serving through the console's announcement or not at all.
      MODEL_POLL_MS: '60000',
    },
    url: `http://127.0.0.1:${port}`,
    readyPath: '/readyz',
  });
});
afterAll(async () => {
  await serving?.stop();
  await browser?.close();
  await prisma?.$disconnect();
});

let turns = 0;
async function chat(key: string): Promise<{ status: number; modelVersion?: string }> {
  const res = await fetch(`${serving.url}/v1/chat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ sessionId: `e2e-serving-${++turns}`, text: 'where is my order?' }),
  });
  const body = (await res.json()) as { modelVersion?: string };
  return { status: res.status, modelVersion: body.modelVersion };
}

/** Milliseconds until serving's reply satisfies `ok`, asking every 100 ms; fails past WITHIN_MS. */
async function msUntil(key: string, ok: (r: Awaited<ReturnType<typeof chat>>) => boolean): Promise<number> {
  const started = performance.now();
  let last: Awaited<ReturnType<typeof chat>> | null = null;
  while (performance.now() - started < WITHIN_MS) {
    last = await chat(key);
    if (ok(last)) return Math.round(performance.now() - started);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `serving still answered ${JSON.stringify(last)} after ${WITHIN_MS} ms:\n${serving.output()}`,
  );
}

async function move(eli: Page, button: string, from: string, to: string, reason: string): Promise<number> {
  await eli.getByRole('button', { name: button }).click();
  const dialog = eli.getByRole('dialog');
  await dialog.getByLabel('Why (kept in the alias history)').fill(reason);
  await dialog.getByRole('button', { name: `Confirm: production → ${to}` }).click();
  await eli
    .getByRole('status')
    .filter({ hasText: `production: ${from} → ${to}` })
    .waitFor();
  const served = await msUntil(SEEDED_KEY, (r) => r.status === 200 && r.modelVersion === to);
  // The page's own refresh: the alias history names the move with its reason. An experiment another spec
  // left running is stopped by the move, and its variants' entries carry the same reason: the move's own.
  await eli
    .getByRole('listitem')
    .filter({ hasText: reason })
    .filter({ hasText: /production (promote|rollback):/ })
    .waitFor();
  // Without a reload: the serving replica reports the new version, and the page marks it current.
  const replica = eli.locator('tr[data-replica]');
  await expect
    .poll(() => replica.getAttribute('data-production'), { timeout: WITHIN_MS, interval: 200 })
    .toBe(to);
  await replica.getByText('current').waitFor();
  await eli
    .getByTestId('replicas-summary')
    .filter({ hasText: `1 of 1 replica answers with production's ${to}.` })
    .waitFor();
  return served;
}

describe('the console moves what serving answers with', () => {
  it('promote then roll back (and serving answers with each version in turn)', async () => {
    expect(await chat(SEEDED_KEY)).toEqual({ status: 200, modelVersion: A });
    const eli = await signedIn(browser, 'engineer');
    await eli.goto(url('/models'));
    await eli.locator(`tr[data-version="${B}"]`).waitFor();
    // The one serving worker this spec started reports itself, on A.
    await expect.poll(() => eli.locator('tr[data-replica]').count()).toBe(1);
    expect(await eli.locator('tr[data-replica]').getAttribute('data-production')).toBe(A);
    const toB = await move(eli, `Promote ${B}…`, A, B, 'serving spec: B to production');
    await checkPage(eli, 'models-serving-promoted');
    const toA = await move(eli, 'Roll back production…', B, A, 'serving spec: back to A');
    await checkPage(eli, 'models-serving-rolled-back');
    console.info(
      `serving answered with the promoted version ${toB} ms after the move, the rolled-back one ${toA} ms after`,
    );
    await eli.context().close();
  });

  it('create and revoke a key (a revoked key gets 401 from serving within 5 s)', async () => {
    const ada = await signedIn(browser, 'admin');
    await ada.goto(url('/admin'));
    const form = ada.getByRole('form', { name: 'Create an API key' });
    await form.getByLabel('Name').fill('e2e shop server');
    await form.getByLabel('Kind').selectOption('SECRET');
    await form.getByRole('button', { name: 'Create key' }).click();
    const key = (await ada.getByTestId('new-key').textContent()) ?? '';
    expect(key).toMatch(/^acsa_sk_/);
    // A 200 puts the key in serving's cache, where only the announcement removes it within 30 s.
    expect((await chat(key)).status).toBe(200);
    await ada.locator('tr[data-key="e2e shop server"]').waitFor();
    await checkPage(ada, 'admin-serving-key-created');

    ada.once('dialog', (d) => void d.accept());
    await ada.getByRole('button', { name: 'Revoke e2e shop server' }).click();
    await expect.poll(() => ada.locator('tr[data-key="e2e shop server"]').textContent()).toContain('revoked');
    const refused = await msUntil(key, (r) => r.status === 401);
    await checkPage(ada, 'admin-serving-key-revoked');
    console.info(`serving refused the revoked key ${refused} ms after the console showed it revoked`);
    expect((await chat(SEEDED_KEY)).status).toBe(200);
    await ada.context().close();
  });

  it('a serving that shuts down leaves the page at once (its report removed, not left to expire)', async () => {
    const eli = await signedIn(browser, 'engineer');
    await eli.goto(url('/models'));
    await eli.locator('tr[data-replica]').waitFor();
    await serving.stop();
    // Well under the report's 15 s TTL: only the shutdown's own removal gets it off the page this soon.
    await eli
      .getByRole('heading', { name: /^No serving replica has reported in the last \d+ s$/ })
      .waitFor({ timeout: WITHIN_MS });
    await checkPage(eli, 'models-serving-no-replicas');
    await eli.context().close();
  });
});
