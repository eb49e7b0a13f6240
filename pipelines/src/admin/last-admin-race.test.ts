import { createTestDatabase, raceBehindLock, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TActor } from '../access/roles.ts';
import { makeUser } from '../workbench-fixtures.ts';
import { setUserDisabled, setUserRole } from './users.ts';

let db: TestDatabase;
let ada: TActor;
let bob: TActor;

beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
  ada = await makeUser(db.prisma, 'ADMIN', 'ada');
  bob = await makeUser(db.prisma, 'ADMIN', 'bob');
});
beforeEach(async () => {
  await db.prisma.user.updateMany({ data: { role: 'ADMIN', disabledAt: null } });
});
afterAll(() => db?.drop());

// Both admins' requests are held at their user rows until both have started: each has read and counted
// what it would before writing, as two clicks at the same instant would.
const holdBoth = (tx: { $queryRaw: typeof db.prisma.$queryRaw }) =>
  tx.$queryRaw`SELECT id FROM "User" ORDER BY id FOR UPDATE`;

async function activeAdmins() {
  return db.prisma.user.count({ where: { role: 'ADMIN', disabledAt: null } });
}

function expectOneRefused(results: PromiseSettledResult<unknown>[]) {
  expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  expect(results.find((r) => r.status === 'rejected')?.reason).toMatchObject({
    code: 'CONFLICT',
    message: 'this is the last active admin: make another admin first',
  });
}

describe('the only two admins removing each other at the same moment', () => {
  it('disabling each other: one stays an admin, the other is refused', async () => {
    const results = await raceBehindLock(db.prisma, holdBoth, [
      () => setUserDisabled(db.prisma, ada, { userId: bob.id, disabled: true }),
      () => setUserDisabled(db.prisma, bob, { userId: ada.id, disabled: true }),
    ]);
    expectOneRefused(results);
    expect(await activeAdmins()).toBe(1);
  });

  it('demoting each other: one stays an admin, the other is refused', async () => {
    const results = await raceBehindLock(db.prisma, holdBoth, [
      () => setUserRole(db.prisma, ada, { userId: bob.id, role: 'ENGINEER' }),
      () => setUserRole(db.prisma, bob, { userId: ada.id, role: 'REVIEWER' }),
    ]);
    expectOneRefused(results);
    expect(await activeAdmins()).toBe(1);
  });

  it('one demoting while the other disables, many times over without a held lock', async () => {
    for (let round = 0; round < 10; round++) {
      await db.prisma.user.updateMany({ data: { role: 'ADMIN', disabledAt: null } });
      const results = await Promise.allSettled([
        setUserRole(db.prisma, ada, { userId: bob.id, role: 'ENGINEER' }),
        setUserDisabled(db.prisma, bob, { userId: ada.id, disabled: true }),
      ]);
      expectOneRefused(results);
      expect(await activeAdmins()).toBe(1);
    }
  });
});
