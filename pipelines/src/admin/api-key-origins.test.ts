import { createTestDatabase, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TActor } from '../access/roles.ts';
import { makeUser } from '../workbench-fixtures.ts';
import { createApiKey } from './api-keys.ts';

// The origins an admin types for a publishable key, as the console's form sends them.
let db: TestDatabase;
let ada: TActor;
beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
  ada = await makeUser(db.prisma, 'ADMIN', 'ada');
});
afterAll(() => db?.drop());

describe('admin: the allowed origins of a publishable key', () => {
  it("stores a publishable key's origins as browsers send them, and says what is wrong with one that is not an origin", async () => {
    const { apiKey } = await createApiKey(db.prisma, ada, {
      name: 'shop web, as typed',
      kind: 'PUBLISHABLE',
      allowedOrigins: [
        'https://Shop.example',
        'https://shop.example:443',
        'https://bücher.example',
        'http://127.0.0.1:3100/',
      ],
    });
    // What a browser's Origin header holds on those pages, which serving compares exactly.
    expect(apiKey.allowedOrigins).toEqual([
      'https://shop.example',
      'https://xn--bcher-kva.example',
      'http://127.0.0.1:3100',
    ]);

    const refusal = (allowedOrigins: string[]) =>
      createApiKey(db.prisma, ada, { name: 'refused', kind: 'PUBLISHABLE', allowedOrigins }).then(
        () => 'created',
        (e: Error) => e.message,
      );
    expect(await refusal(['https://*.shop.example'])).toMatch(
      /^"https:\/\/\*\.shop\.example" has a wildcard, and wildcards are not supported: list each origin/,
    );
    expect(await refusal(['https://shop.example/checkout'])).toMatch(/has a path \(\/checkout\)/);
    expect(await refusal(['https://shop.example?ref=1'])).toMatch(/has a query or fragment/);
    expect(await refusal(['null'])).toMatch(/sandboxed and file:\/\/ pages/);
    expect(await refusal(['ftp://shop.example'])).toMatch(/must start with https:\/\/ or http:\/\//);
    expect(await db.prisma.apiKey.count({ where: { name: 'refused' } })).toBe(0);
  });
});
