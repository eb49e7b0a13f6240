import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, raceBehindLock, type TestDatabase, testServiceUrls } from '../testing/index.ts';
import { AliasMovedError, moveAlias, registerModelVersion } from './model-registry.ts';

const bytes = (s: string) => new TextEncoder().encode(s);
const manifest = (onnx: Uint8Array) => ({
  model: { sha256: createHash('sha256').update(onnx).digest('hex') },
  labels: ['a', 'b'],
  featurizer: { version: 1 },
  metrics: { accuracy: 0.9 },
});
const actor = { type: 'SYSTEM' as const, display: 'system:test' };

describe('model registry', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(testServiceUrls().databaseUrl);
  });
  afterAll(() => db?.drop());

  it('registers a version once, however often the step is retried, and refuses other bytes under its name', async () => {
    const onnx = bytes('model-one');
    const a = await registerModelVersion(db.prisma, {
      version: 'v1',
      kind: 'student-int8',
      manifest: manifest(onnx),
      onnx,
    });
    const b = await registerModelVersion(db.prisma, {
      version: 'v1',
      kind: 'student-int8',
      manifest: manifest(onnx),
      onnx,
    });
    expect(b.id).toBe(a.id);
    expect(await db.prisma.modelVersion.count()).toBe(1);
    const other = bytes('model-two');
    await expect(
      registerModelVersion(db.prisma, {
        version: 'v1',
        kind: 'student-int8',
        manifest: manifest(other),
        onnx: other,
      }),
    ).rejects.toThrow(/immutable/);
    await expect(
      registerModelVersion(db.prisma, { version: 'v9', kind: 'x', manifest: manifest(onnx), onnx: other }),
    ).rejects.toThrow(/other bytes/);
  });

  it('records every alias move with who, why, from and to, in history and audit log', async () => {
    const o1 = bytes('m1');
    const o2 = bytes('m2');
    const v1 = await registerModelVersion(db.prisma, {
      version: 'm1',
      kind: 'k',
      manifest: manifest(o1),
      onnx: o1,
    });
    const v2 = await registerModelVersion(db.prisma, {
      version: 'm2',
      kind: 'k',
      manifest: manifest(o2),
      onnx: o2,
    });
    await moveAlias(db.prisma, { alias: 'production', toVersionId: v1.id, kind: 'PROMOTE', actor });
    const second = await moveAlias(db.prisma, {
      alias: 'production',
      toVersionId: v2.id,
      kind: 'PROMOTE',
      actor,
      reason: 'better',
    });
    expect(second).toMatchObject({ fromVersionId: v1.id, toVersionId: v2.id, changed: true });
    const again = await moveAlias(db.prisma, {
      alias: 'production',
      toVersionId: v2.id,
      kind: 'PROMOTE',
      actor,
    });
    expect(again.changed).toBe(false);
    const history = await db.prisma.aliasHistory.findMany({
      where: { alias: 'production' },
      orderBy: { id: 'asc' },
    });
    expect(history.map((h) => [h.fromVersionId, h.toVersionId, h.reason])).toEqual([
      [null, v1.id, null],
      [v1.id, v2.id, 'better'],
    ]);
    expect(
      await db.prisma.auditLog.count({ where: { targetType: 'ModelAlias', targetId: 'production' } }),
    ).toBe(2);

    // A move decided from a stale view of the alias is refused, and nothing is recorded.
    await expect(
      moveAlias(db.prisma, {
        alias: 'production',
        toVersionId: v1.id,
        kind: 'ROLLBACK',
        actor,
        expectedFrom: 'm1',
      }),
    ).rejects.toMatchObject({ name: 'AliasMovedError', expected: 'm1', current: 'm2' });
    expect(await db.prisma.aliasHistory.count({ where: { alias: 'production' } })).toBe(2);
    const back = await moveAlias(db.prisma, {
      alias: 'production',
      toVersionId: v1.id,
      kind: 'ROLLBACK',
      actor,
      expectedFrom: 'm2',
    });
    expect(back).toMatchObject({ fromVersionId: v2.id, toVersionId: v1.id, changed: true });
  });

  it('two first moves of a new alias at once: one wins, the other is told it moved (from what it saw) or moves from the winner', async () => {
    const versions: { id: string }[] = [];
    for (const name of ['first-a', 'first-b']) {
      const onnx = bytes(name);
      versions.push(
        await registerModelVersion(db.prisma, { version: name, kind: 'k', manifest: manifest(onnx), onnx }),
      );
    }
    const [a, b] = versions as [{ id: string }, { id: string }];
    // Both read "no alias yet" before either writes: the aliases table is held against writes meanwhile.
    const holdWrites = (tx: Parameters<Parameters<typeof raceBehindLock>[1]>[0]) =>
      tx.$executeRawUnsafe('LOCK TABLE "ModelAlias" IN SHARE MODE');
    const seen = await raceBehindLock(db.prisma, holdWrites, [
      () =>
        moveAlias(db.prisma, {
          alias: 'race-seen',
          toVersionId: a.id,
          kind: 'PROMOTE',
          actor,
          expectedFrom: null,
        }),
      () =>
        moveAlias(db.prisma, {
          alias: 'race-seen',
          toVersionId: b.id,
          kind: 'PROMOTE',
          actor,
          expectedFrom: null,
        }),
    ]);
    expect(seen.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const lost = seen.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toBeInstanceOf(AliasMovedError);
    expect(await db.prisma.aliasHistory.count({ where: { alias: 'race-seen' } })).toBe(1);

    // Moves that name no expected state both happen, the second from the first.
    const blind = await raceBehindLock(db.prisma, holdWrites, [
      () => moveAlias(db.prisma, { alias: 'race-blind', toVersionId: a.id, kind: 'PROMOTE', actor }),
      () => moveAlias(db.prisma, { alias: 'race-blind', toVersionId: b.id, kind: 'PROMOTE', actor }),
    ]);
    expect(blind.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    const history = await db.prisma.aliasHistory.findMany({
      where: { alias: 'race-blind' },
      orderBy: { id: 'asc' },
    });
    expect(history).toHaveLength(2);
    expect(history[1]?.fromVersionId).toBe(history[0]?.toVersionId);
  });
});
