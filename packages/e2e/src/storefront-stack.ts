import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBootstrapBundle } from '../../../apps/serving/test/bootstrap-bundle.ts';
import { API_KEY, createTestShop, type TestShop, TOKEN_SECRET } from '../../../apps/serving/test/harness.ts';
import { seedAccess } from '../../../prisma/seed/access.ts';
import { freePort } from './console-server.ts';
import { startApp, type TAppProcess } from './processes.ts';

const WIDGET = new URL('../../widget/', import.meta.url).pathname;
export const PUBLISHABLE_KEY = 'acsa_pk_e2e_0123456789abcdefghijklmnop';
/** The shop's server-to-server key (the harness's demo storefront key). */
export const SECRET_KEY = API_KEY;

/** `npm start`'s widget step: build the script when it is missing or older than its sources. */
export function buildWidget(): void {
  const out = join(WIDGET, 'dist/acsa-widget.js');
  const newest = Math.max(
    ...readdirSync(join(WIDGET, 'src')).map((f) => statSync(join(WIDGET, 'src', f)).mtimeMs),
  );
  if (existsSync(out) && statSync(out).mtimeMs > newest) return;
  const r = spawnSync(process.execPath, [join(WIDGET, 'build.mjs')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the widget build failed:\n${r.stdout}\n${r.stderr}`);
}

export type TStorefront = {
  shop: TestShop;
  /** The demo shop page's origin: the only one its publishable key allows. */
  origin: string;
  servingUrl: string;
  serving(): TAppProcess;
  restartServing(): Promise<void>;
  stopServing(): Promise<void>;
  close(): Promise<void>;
};

/**
 * What `npm start` runs for a shopper: serving and the demo shop page as processes of their own, on a
 * seeded test shop (its own database and Redis namespace) with the bootstrap model in production and the
 * demo shop's publishable key bound to the page's origin.
 */
export async function startStorefront(): Promise<TStorefront> {
  buildWidget();
  const shop = await createTestShop({ bundleDir: await ensureBootstrapBundle() });
  const [shopPort, servingPort] = [await freePort(), await freePort()];
  const origin = `http://127.0.0.1:${shopPort}`;
  const servingUrl = `http://127.0.0.1:${servingPort}`;
  await seedAccess(shop.db.prisma, {
    demoPublishableKey: PUBLISHABLE_KEY,
    demoShopOrigins: [origin],
  });
  const common = { NODE_ENV: 'test', DATABASE_URL: shop.db.url, CUSTOMER_TOKEN_SECRET: TOKEN_SECRET };
  const servingEnv = {
    ...common,
    REDIS_URL: shop.redis.url,
    REDIS_PREFIX: shop.redis.prefix,
    PORT: String(servingPort),
    SERVING_WORKERS: '1',
    // Its own free port: the default 9464 is taken by a running `npm start` or another e2e file's serving.
    METRICS_PORT: '0',
    LOG_LEVEL: 'warn',
    HELP_CENTER_URL: `${origin}/help`,
    MODEL_POLL_MS: '1000',
  };
  const launchServing = () =>
    startApp({ entry: 'apps/serving/src/main.ts', env: servingEnv, url: servingUrl, readyPath: '/readyz' });
  let serving: TAppProcess | null = await launchServing();
  const demo = await startApp({
    entry: 'apps/demo-shop/src/main.ts',
    env: {
      ...common,
      DEMO_SHOP_PORT: String(shopPort),
      SERVING_URL: servingUrl,
      ACSA_DEMO_PUBLISHABLE_KEY: PUBLISHABLE_KEY,
    },
    url: origin,
    readyPath: '/',
  });
  return {
    shop,
    origin,
    servingUrl,
    serving: () => {
      if (!serving) throw new Error('serving is stopped');
      return serving;
    },
    async stopServing() {
      await serving?.stop();
      serving = null;
    },
    async restartServing() {
      await serving?.stop();
      serving = await launchServing();
    },
    async close() {
      await Promise.all([serving?.stop(), demo.stop()]);
      await shop.drop();
    },
  };
}
