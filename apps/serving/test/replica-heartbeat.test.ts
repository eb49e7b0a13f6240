import { announceAliasMove, servingReplicaKeys } from '@acsa/pipelines';
import { servingReplicas } from '@acsa/pipelines/registry';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { type Harness, startServing } from './harness.ts';

// What the console's registry page reads: each serving worker's report in Redis, set against the registry.
let h: Harness | undefined;
let reader: Redis;
let v2 = '';
let servingClosed = false;

beforeAll(async () => {
  // Polling far beyond the test: a move reaches serving by its announcement, so "behind" is observable.
  h = await startServing({ bundleDir: inject('bootstrapBundle'), env: { MODEL_POLL_MS: '60000' } });
  v2 = await h.register(inject('bootstrapBundle'), 'bootstrap-test-2');
  reader = new Redis(h.redis.url);
});
afterAll(async () => {
  reader?.disconnect();
  if (!servingClosed) await h?.close();
  else await Promise.all([h?.db.drop(), h?.redis.cleanup()]);
});

const picture = () => {
  if (!h) throw new Error('no serving');
  return servingReplicas({ prisma: h.db.prisma, redis: reader }, { prefix: h.redis.prefix });
};

it('reports the versions it answers with, the new ones right after a move, and nothing once shut down', async () => {
  if (!h) throw new Error('no serving');
  const first = await picture();
  expect(first.reachable).toBe(true);
  expect(first.replicas).toHaveLength(1);
  const [replica] = first.replicas;
  expect(replica?.replicaId).toMatch(/^.+:\d+$/);
  expect(replica?.reportedSecondsAgo).toBeLessThanOrEqual(1);
  expect(replica?.aliases).toEqual([
    { alias: 'production', want: 'bootstrap-test-1', have: 'bootstrap-test-1', state: 'current' },
  ]);
  // A replica that dies is not listed for long: its report expires after three missed beats (5 s each).
  const ttl = await reader.pttl(servingReplicaKeys(h.redis.prefix).replica(replica?.replicaId ?? ''));
  expect(ttl).toBeGreaterThan(0);
  expect(ttl).toBeLessThanOrEqual(15_000);

  // Moved in the database alone, the registry says v2 and the replica is behind until it is told.
  await h.promote(v2);
  const behind = await picture();
  expect(behind.replicas[0]?.aliases[0]).toMatchObject({ want: 'bootstrap-test-2', state: 'behind' });
  void announceAliasMove(reader, 'production', v2);
  await expect
    .poll(async () => (await picture()).replicas[0]?.aliases[0], { timeout: 5_000, interval: 100 })
    .toEqual({ alias: 'production', want: 'bootstrap-test-2', have: 'bootstrap-test-2', state: 'current' });
  expect((await picture()).replicas[0]?.lastSwapAt).not.toBeNull();

  // A running experiment's variants are reported under their aliases, as the registry page names them.
  const v1 = await h.db.prisma.modelVersion.findUniqueOrThrow({ where: { version: 'bootstrap-test-1' } });
  await h.db.prisma.experiment.create({
    data: {
      name: 'hb',
      status: 'RUNNING',
      startedAt: new Date(),
      variants: {
        create: [
          { name: 'control', modelVersionId: v2, weight: 0.5 },
          { name: 'treatment', modelVersionId: v1.id, weight: 0.5 },
        ],
      },
    },
  });
  void announceAliasMove(reader, 'experiment:hb:treatment', v1.id);
  await expect
    .poll(async () => (await picture()).replicas[0]?.aliases, { timeout: 5_000, interval: 100 })
    .toEqual([
      { alias: 'production', want: 'bootstrap-test-2', have: 'bootstrap-test-2', state: 'current' },
      {
        alias: 'experiment:hb:control',
        want: 'bootstrap-test-2',
        have: 'bootstrap-test-2',
        state: 'current',
      },
      {
        alias: 'experiment:hb:treatment',
        want: 'bootstrap-test-1',
        have: 'bootstrap-test-1',
        state: 'current',
      },
    ]);

  // Graceful shutdown removes the report at once, not after its TTL.
  servingClosed = true;
  await h.serving.close();
  expect((await picture()).replicas).toEqual([]);
});
