import { createHash } from 'node:crypto';
import { registerModelVersion } from '@acsa/db/registry';
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
  testServiceUrls,
} from '@acsa/db/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_ALIAS_CHANNEL } from '../queues.ts';
import { promoteVersion, rollbackAlias, rollbackTarget } from './alias-moves.ts';
import { listModels } from './list-models.ts';
import { showModel } from './show-model.ts';

const actor = { type: 'USER' as const, display: 'cli:ops' };
let db: TestDatabase;
let redis: TestRedis;
const ids: Record<string, string> = {};

async function register(version: string, accuracy: number) {
  const onnx = new TextEncoder().encode(`bytes of ${version}`);
  const manifest = {
    model: { sha256: createHash('sha256').update(onnx).digest('hex') },
    labels: ['a', 'b'],
    featurizer: { version: 1 },
    metrics: { dev: { accuracy } },
  };
  ids[version] = (
    await registerModelVersion(db.prisma, { version, kind: 'student-int8', manifest, onnx })
  ).id;
}

beforeAll(async () => {
  const urls = testServiceUrls();
  [db, redis] = await Promise.all([createTestDatabase(urls.databaseUrl), createTestRedis(urls.redisUrl)]);
  for (const [v, acc] of [
    ['m0', 0.8],
    ['m1', 0.85],
    ['m2', 0.9],
  ] as const)
    await register(v, acc);
});
afterAll(() => Promise.all([db?.drop(), redis?.cleanup()]));

describe('registry operations', () => {
  it('promotes by name, announces the move, and rolls back one move at a time', async () => {
    const listener = new Redis(redis.url);
    const heard: unknown[] = [];
    listener.on('message', (_, m) => heard.push(JSON.parse(m)));
    await listener.subscribe(MODEL_ALIAS_CHANNEL);
    const deps = { prisma: db.prisma, redis: redis.redis };
    try {
      for (const v of ['m0', 'm1', 'm2']) await promoteVersion(deps, { ref: v, actor, reason: `ship ${v}` });
      const back = await rollbackAlias(deps, { actor, reason: 'm2 answers badly' });
      expect(back).toMatchObject({ fromVersion: 'm2', toVersion: 'm1', changed: true, announced: true });
      expect((await rollbackAlias(deps, { actor })).toVersion).toBe('m0');
      await expect(rollbackAlias(deps, { actor })).rejects.toThrow(
        /pointed at nothing before its first move/,
      );
      // A new promotion after rollbacks is undone by one rollback, back to where it came from.
      await promoteVersion(deps, { ref: ids.m2!, actor });
      expect((await rollbackAlias(deps, { actor })).toVersion).toBe('m0');
      await new Promise((r) => setTimeout(r, 100));
      expect(
        heard.filter((m) => Object.values(ids).includes((m as { versionId: string }).versionId)),
      ).toHaveLength(7);
    } finally {
      listener.disconnect();
    }
    const history = await db.prisma.aliasHistory.findMany({
      where: { alias: 'production' },
      orderBy: { id: 'asc' },
    });
    expect(history.map((h) => h.kind)).toEqual([
      'PROMOTE',
      'PROMOTE',
      'PROMOTE',
      'ROLLBACK',
      'ROLLBACK',
      'PROMOTE',
      'ROLLBACK',
    ]);
    expect(history[3]).toMatchObject({ actor: 'cli:ops', reason: 'm2 answers badly' });
    expect(
      await db.prisma.auditLog.count({ where: { targetType: 'ModelAlias', targetId: 'production' } }),
    ).toBe(7);
    await expect(promoteVersion(deps, { ref: 'nope', actor })).rejects.toThrow('no model version "nope"');
  });

  it('lists versions with their aliases and shows one with its alias history', async () => {
    const list = await listModels(db.prisma);
    expect(list.aliases).toEqual([expect.objectContaining({ name: 'production', version: 'm0' })]);
    expect(list.versions.map((v) => [v.version, v.aliases, v.devAccuracy])).toEqual([
      ['m2', [], 0.9],
      ['m1', [], 0.85],
      ['m0', ['production'], 0.8],
    ]);
    const m1 = await showModel(db.prisma, 'm1');
    expect(m1).toMatchObject({ version: 'm1', labels: ['a', 'b'], aliases: [], trainingRun: null });
    expect(m1.history.map((h) => [h.kind, h.from, h.to])).toEqual([
      ['ROLLBACK', 'm1', 'm0'],
      ['ROLLBACK', 'm2', 'm1'],
      ['PROMOTE', 'm1', 'm2'],
      ['PROMOTE', 'm0', 'm1'],
    ]);
  });

  it('reads the alias history as a stack', () => {
    const P = (from: string | null) => ({ kind: 'PROMOTE', fromVersionId: from });
    const R = { kind: 'ROLLBACK', fromVersionId: 'x' };
    expect(rollbackTarget([])).toBeUndefined();
    expect(rollbackTarget([P('b'), P('a'), P(null)])).toBe('b');
    expect(rollbackTarget([R, P('b'), P('a'), P(null)])).toBe('a');
    expect(rollbackTarget([R, R, P('b'), P('a'), P(null)])).toBeNull();
  });
});
