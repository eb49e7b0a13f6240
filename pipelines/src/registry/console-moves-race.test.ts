import {
  bareModelVersion,
  createTestDatabase,
  raceBehindLock,
  type TestDatabase,
  testServiceUrls,
} from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TActor } from '../access/roles.ts';
import { makeUser } from '../workbench-fixtures.ts';
import { promoteFromConsole, rollbackFromConsole } from './console-moves.ts';

let db: TestDatabase;
let eli: TActor;
let eve: TActor;
const deps = () => ({ prisma: db.prisma, redis: null });

beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
  eli = await makeUser(db.prisma, 'ENGINEER', 'eli');
  eve = await makeUser(db.prisma, 'ENGINEER', 'eve');
  for (const v of ['r-v0', 'r-v1', 'r-v2', 'r-v3']) await bareModelVersion(db.prisma, v);
});
afterAll(() => db?.drop());

// Both engineers' requests are held at the alias row until both have started: each has read what it
// reads before taking the lock, as two clicks at the same instant would.
const holdProduction = (tx: { $queryRaw: typeof db.prisma.$queryRaw }) =>
  tx.$queryRaw`SELECT 1 FROM "ModelAlias" WHERE name = 'production' FOR UPDATE`;

async function moves() {
  const [history, audit] = await Promise.all([
    db.prisma.aliasHistory.count({ where: { alias: 'production' } }),
    db.prisma.auditLog.count({ where: { targetType: 'ModelAlias', targetId: 'production' } }),
  ]);
  return { history, audit };
}

async function production() {
  const a = await db.prisma.modelAlias.findUnique({
    where: { name: 'production' },
    select: { modelVersion: { select: { version: true } } },
  });
  return a?.modelVersion.version ?? null;
}

describe('two engineers moving production from the same page at the same moment', () => {
  it('lets one promotion win and tells the other production moved since they looked', async () => {
    await promoteFromConsole(deps(), eli, {
      version: 'r-v0',
      alias: 'production',
      reason: 'start',
      expectedFrom: null,
      expectedExperiment: null,
    });
    const before = await moves();

    const results = await raceBehindLock(db.prisma, holdProduction, [
      () =>
        promoteFromConsole(deps(), eli, {
          version: 'r-v1',
          alias: 'production',
          reason: 'mine',
          expectedFrom: 'r-v0',
          expectedExperiment: null,
        }),
      () =>
        promoteFromConsole(deps(), eve, {
          version: 'r-v2',
          alias: 'production',
          reason: 'hers',
          expectedFrom: 'r-v0',
          expectedExperiment: null,
        }),
    ]);

    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]?.reason).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(
        /^production moved to r-v[12] since you looked \(r-v0\); reload and decide again$/,
      ),
    });
    const winner = won[0]?.value;
    expect(winner).toMatchObject({ fromVersion: 'r-v0', changed: true });
    expect(await production()).toBe(winner?.toVersion);
    expect(await moves()).toEqual({ history: before.history + 1, audit: before.audit + 1 });
  });

  it('refuses a rollback racing a promotion, whichever lands second', async () => {
    const seen = await production();
    const before = await moves();

    const results = await raceBehindLock(db.prisma, holdProduction, [
      () =>
        promoteFromConsole(deps(), eli, {
          version: 'r-v3',
          alias: 'production',
          reason: 'newer',
          expectedFrom: seen,
          expectedExperiment: null,
        }),
      () =>
        rollbackFromConsole(deps(), eve, {
          alias: 'production',
          reason: 'regressed',
          expectedFrom: seen,
          expectedExperiment: null,
        }),
    ]);

    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(results.find((r) => r.status === 'rejected')?.reason).toMatchObject({ code: 'CONFLICT' });
    expect(await moves()).toEqual({ history: before.history + 1, audit: before.audit + 1 });
  });
});
