import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRetryableError, withTransaction } from '../index.ts';
import {
  bareModelVersion,
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
  testServiceUrls,
} from './index.ts';

const { databaseUrl, redisUrl } = testServiceUrls();

describe('test fixtures', () => {
  let a: TestDatabase;
  let b: TestDatabase;
  let r1: TestRedis;
  let r2: TestRedis;
  beforeAll(async () => {
    [a, b, r1, r2] = await Promise.all([
      createTestDatabase(databaseUrl),
      createTestDatabase(databaseUrl),
      createTestRedis(redisUrl),
      createTestRedis(redisUrl),
    ]);
  });
  afterAll(async () => {
    await Promise.all([a?.drop(), b?.drop(), r1?.cleanup(), r2?.cleanup()]);
  });

  it('gives each caller its own migrated database', async () => {
    expect(a.name).not.toBe(b.name);
    await a.prisma.category.create({ data: { slug: 'audio', name: 'Audio' } });
    expect(await a.prisma.category.count()).toBe(1);
    expect(await b.prisma.category.count()).toBe(0);
  });

  it('keeps the full-text index of articles current', async () => {
    await a.prisma.article.create({
      data: {
        slug: 'refunds',
        kind: 'POLICY',
        topic: 'refunds',
        title: 'Refund policy',
        body: 'Money back within 30 days.',
      },
    });
    const hits = await a.prisma.$queryRaw<{ slug: string }[]>`
      SELECT slug FROM "Article" WHERE search @@ websearch_to_tsquery('english', 'refunded money')`;
    expect(hits.map((h) => h.slug)).toEqual(['refunds']);
  });

  it('refuses to rewrite a registered model version', async () => {
    const v = await bareModelVersion(a.prisma, 'intent-test-1');
    await expect(
      a.prisma.modelVersion.update({ where: { id: v.id }, data: { sha256: 'cd' } }),
    ).rejects.toThrow(/immutable/);
  });

  it('isolates Redis keys by prefix and cleans up only its own', async () => {
    await r1.redis.set('k', '1');
    expect(await r2.redis.get('k')).toBeNull();
    expect(await r1.redis.get('k')).toBe('1');
  });

  it('retries a transaction that loses a serialization conflict', async () => {
    const cat = await b.prisma.category.create({ data: { slug: 'c', name: 'C' } });
    let runs = 0;
    const bump = () =>
      withTransaction(b.prisma, async (tx) => {
        runs++;
        const row = await tx.category.findUniqueOrThrow({ where: { id: cat.id } });
        await new Promise((r) => setTimeout(r, 30));
        await tx.category.update({ where: { id: cat.id }, data: { name: `${row.name}+` } });
      });
    await Promise.all([bump(), bump(), bump()]);
    const after = await b.prisma.category.findUniqueOrThrow({ where: { id: cat.id } });
    expect(after.name).toBe('C+++');
    expect(runs).toBeGreaterThan(3);
    expect(isRetryableError({ code: 'P2034' })).toBe(true);
    expect(isRetryableError(new Error('syntax'))).toBe(false);
  });

  it('retries a transaction whose raw SELECT … FOR UPDATE loses a serialization conflict', async () => {
    const cat = await b.prisma.category.create({ data: { slug: 'raw', name: 'R' } });
    const bump = () =>
      withTransaction(b.prisma, async (tx) => {
        const [row] = await tx.$queryRaw<{ name: string }[]>`
          SELECT name FROM "Category" WHERE id = ${cat.id}::uuid FOR UPDATE`;
        await new Promise((r) => setTimeout(r, 30));
        await tx.category.update({ where: { id: cat.id }, data: { name: `${row!.name}+` } });
      });
    await Promise.all([bump(), bump(), bump()]);
    expect((await b.prisma.category.findUniqueOrThrow({ where: { id: cat.id } })).name).toBe('R+++');
  });
});
