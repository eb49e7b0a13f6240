import { moveAliasIn } from '@acsa/db/registry';
import {
  bareModelVersion,
  createTestDatabase,
  raceBehindLock,
  type TestDatabase,
  testServiceUrls,
} from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promoteVersion, rollbackAlias } from './alias-moves.ts';

const cli = { type: 'USER' as const, display: 'cli:ops' };
const trainer = { type: 'SYSTEM' as const, display: 'system:trainer' };
let db: TestDatabase;
const ids: Record<string, string> = {};
const deps = () => ({ prisma: db.prisma, redis: null });

beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
  for (const v of ['k0', 'k1', 'k2', 'k3']) ids[v] = (await bareModelVersion(db.prisma, v)).id;
  for (const v of ['k0', 'k1', 'k2']) await promoteVersion(deps(), { ref: v, actor: cli });
});
afterAll(() => db?.drop());

describe('acsa models rollback while the trainer promotes', () => {
  it('undoes the promotion it lands after, not the one before it from a history read too early', async () => {
    // The trainer's promotion of k3 holds the alias row until the rollback waits on it: whatever the
    // rollback reads before taking the lock, it reads before k3 is in production.
    const [rollback] = await raceBehindLock(
      db.prisma,
      (tx) => moveAliasIn(tx, { alias: 'production', toVersionId: ids.k3!, kind: 'PROMOTE', actor: trainer }),
      [() => rollbackAlias(deps(), { actor: cli, reason: 'answers badly' })],
    );

    expect(rollback).toMatchObject({
      status: 'fulfilled',
      value: { fromVersion: 'k3', toVersion: 'k2', changed: true },
    });
    const production = await db.prisma.modelAlias.findUniqueOrThrow({ where: { name: 'production' } });
    expect(production.modelVersionId).toBe(ids.k2);
    const last = await db.prisma.aliasHistory.findFirstOrThrow({
      where: { alias: 'production' },
      orderBy: { id: 'desc' },
    });
    expect(last).toMatchObject({ kind: 'ROLLBACK', fromVersionId: ids.k3, toVersionId: ids.k2 });
    expect(
      await db.prisma.auditLog.count({ where: { action: 'model.alias.rollback', targetId: 'production' } }),
    ).toBe(1);
  });
});
