import { Writable } from 'node:stream';
import { createLogger } from '@acsa/core/logger';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createServingApp, type TServingApp } from '../src/app.ts';
import { loadEnv } from '../src/env.ts';
import { API_KEY, createTestShop, type TestShop } from './harness.ts';

// The product names the NLU recognises come from the catalogue: what the shop adds while serving runs is
// recognised without a restart, and a catalogue that cannot be read at start costs the names, not the worker.
let shop: TestShop;
const lines: Record<string, unknown>[] = [];
let session = 0;

async function startOn(): Promise<TServingApp> {
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const env = loadEnv({
    DATABASE_URL: shop.db.url,
    REDIS_URL: shop.redis.url,
    NODE_ENV: 'test',
    MODEL_POLL_MS: '500',
  });
  return createServingApp({
    env,
    logger: createLogger({ name: 'serving-test', level: 'warn', destination }),
    redisPrefix: shop.redis.prefix,
    productRefreshMs: 200,
  });
}

/** The products the agent recognised in `text`, from a new session. */
async function productsIn(serving: TServingApp, text: string): Promise<string[]> {
  const res = await serving.app.inject({
    method: 'POST',
    url: '/v1/chat',
    headers: { authorization: `Bearer ${API_KEY}` },
    payload: { sessionId: `products-${++session}`, text },
  });
  expect(res.statusCode, res.body).toBe(200);
  const { entities } = res.json() as { entities: { type: string; value: string }[] };
  return entities.filter((e) => e.type === 'product').map((e) => e.value);
}

beforeAll(async () => {
  shop = await createTestShop({ bundleDir: inject('bootstrapBundle') });
});
afterAll(() => shop?.drop());

describe('product names the agent recognises', () => {
  it('recognises a product added while serving runs, without a restart', async () => {
    const serving = await startOn();
    try {
      const known = await shop.db.prisma.product.findFirstOrThrow({ where: { active: true } });
      expect(await productsIn(serving, `is the ${known.name} in stock?`)).toContain(known.name);
      const ask = 'is the Zorblax Quantum Kettle in stock?';
      expect(await productsIn(serving, ask)).toEqual([]);
      await shop.db.prisma.product.create({
        data: {
          sku: 'ZQK-1',
          name: 'Zorblax Quantum Kettle',
          description: 'Boils water',
          categoryId: known.categoryId,
          priceCents: 4_999,
          stock: 3,
        },
      });
      await expect
        .poll(() => productsIn(serving, ask), { timeout: 5_000, interval: 250 })
        .toEqual(['Zorblax Quantum Kettle']);
    } finally {
      await serving.close();
    }
  });

  it('starts and answers when the catalogue cannot be read, saying so, and recognises it once it can', async () => {
    const known = await shop.db.prisma.product.findFirstOrThrow({ where: { active: true } });
    await shop.db.prisma.$executeRawUnsafe(`ALTER TABLE "Product" RENAME TO "ProductAway"`);
    let serving: TServingApp | undefined;
    try {
      serving = await startOn();
      expect(await productsIn(serving, `is the ${known.name} in stock?`)).toEqual([]);
      expect(lines.some((l) => l.level === 40 && /product names unavailable/.test(String(l.msg)))).toBe(true);
    } finally {
      await shop.db.prisma.$executeRawUnsafe(`ALTER TABLE "ProductAway" RENAME TO "Product"`);
    }
    try {
      const s = serving;
      await expect
        .poll(() => productsIn(s, `is the ${known.name} in stock?`), { timeout: 5_000, interval: 250 })
        .toContain(known.name);
    } finally {
      await serving.close();
    }
  });
});
