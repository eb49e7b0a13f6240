import { expect, it } from 'vitest';
import type { TServingHeartbeat } from '../serving-heartbeat.ts';
import { compareReplica } from './serving-replicas.ts';

const beat = (over: Partial<TServingHeartbeat>): TServingHeartbeat => ({
  replicaId: 'host:1',
  hostname: 'host',
  pid: 1,
  startedAt: '2026-12-01T00:00:00.000Z',
  at: '2026-12-01T00:00:05.000Z',
  everyMs: 5_000,
  pollMs: 5_000,
  lastSwapAt: '2026-12-01T00:00:01.000Z',
  aliases: [],
  failedVersionIds: [],
  ...over,
});

it('marks each alias current, behind, failed to load, or loaded though no longer wanted', () => {
  const wanted = [
    { alias: 'production', version: 'v2', versionId: 'id-2' },
    { alias: 'shadow', version: 'v3', versionId: 'id-3' },
    { alias: 'experiment:e1:control', version: 'v2', versionId: 'id-2' },
  ];
  const rows = compareReplica(
    wanted,
    beat({
      aliases: [
        { alias: 'production', version: 'v1', versionId: 'id-1' },
        { alias: 'experiment:e1:control', version: 'v2', versionId: 'id-2' },
        { alias: 'experiment:e0:treatment', version: 'v0', versionId: 'id-0' },
      ],
      failedVersionIds: ['id-3'],
    }),
  );
  expect(rows).toEqual([
    { alias: 'production', want: 'v2', have: 'v1', state: 'behind' },
    { alias: 'shadow', want: 'v3', have: null, state: 'failed' },
    { alias: 'experiment:e1:control', want: 'v2', have: 'v2', state: 'current' },
    { alias: 'experiment:e0:treatment', want: null, have: 'v0', state: 'stale' },
  ]);
});
