import type { PrismaClient } from '@acsa/db';
import type { Redis } from 'ioredis';
import {
  SERVING_HEARTBEAT_MAX_TTL_MS,
  servingReplicaKeys,
  type TServingHeartbeat,
  ZServingHeartbeat,
} from '../serving-heartbeat.ts';
import { experimentAlias, PRODUCTION_ALIAS, SHADOW_ALIAS } from './aliases.ts';

type TWanted = { alias: string; version: string; versionId: string };

/**
 * current: answers with the alias's version; behind: still on another (or none) and picks it up within its
 * poll; failed: the version failed to load there (it keeps the old one); stale: loaded for an alias serving
 * no longer wants (a stopped experiment, a cleared shadow), dropped within its poll.
 */
export type TReplicaAliasState = 'current' | 'behind' | 'failed' | 'stale';
export type TReplicaAlias = {
  alias: string;
  want: string | null;
  have: string | null;
  state: TReplicaAliasState;
};
export type TServingReplica = Pick<
  TServingHeartbeat,
  'replicaId' | 'hostname' | 'pid' | 'startedAt' | 'lastSwapAt'
> & {
  /** Seconds since it last reported (server clock against its own). */
  reportedSecondsAgo: number;
  pollSeconds: number;
  aliases: TReplicaAlias[];
};
export type TServingReplicas = {
  /** False when Redis did not answer: nothing can be said about replicas then. */
  reachable: boolean;
  /** An empty list means no report in this many seconds. */
  windowSeconds: number;
  /** What serving should answer with: production, shadow and the running experiment's variants. */
  wanted: TWanted[];
  /**
   * The running experiment, by name: while it runs serving sends every session to its variants and
   * production answers no one, and a move of production by hand stops it (promoteVersion).
   */
  experiment: string | null;
  replicas: TServingReplica[];
};

/** The reports of live replicas: expired index entries are dropped, unreadable reports skipped. */
async function readHeartbeats(redis: Redis, prefix: string, now = Date.now()) {
  const keys = servingReplicaKeys(prefix);
  await redis.zremrangebyscore(keys.index, '-inf', String(now));
  const ids = await redis.zrange(keys.index, '0', '-1');
  if (ids.length === 0) return [];
  const raw = await redis.mget(ids.map(keys.replica));
  return raw.flatMap((json) => {
    if (!json) return [];
    try {
      const parsed = ZServingHeartbeat.safeParse(JSON.parse(json));
      return parsed.success ? [parsed.data] : [];
    } catch {
      return [];
    }
  });
}

/** The versions serving should load, read as serving reads them (model-registry.ts desired()). */
async function wantedVersions(
  prisma: PrismaClient,
): Promise<{ wanted: TWanted[]; experiment: string | null }> {
  const [aliases, experiment] = await Promise.all([
    prisma.modelAlias.findMany({
      where: { name: { in: [PRODUCTION_ALIAS, SHADOW_ALIAS] } },
      select: { name: true, modelVersionId: true, modelVersion: { select: { version: true } } },
    }),
    prisma.experiment.findFirst({
      where: { status: 'RUNNING' },
      orderBy: { startedAt: { sort: 'desc', nulls: 'last' } },
      select: {
        name: true,
        variants: {
          orderBy: { name: 'asc' },
          select: { name: true, modelVersionId: true, modelVersion: { select: { version: true } } },
        },
      },
    }),
  ]);
  const wanted = [
    ...aliases
      .sort((a, b) => (a.name === PRODUCTION_ALIAS ? -1 : b.name === PRODUCTION_ALIAS ? 1 : 0))
      .map((a) => ({ alias: a.name, version: a.modelVersion.version, versionId: a.modelVersionId })),
    ...(experiment?.variants ?? []).map((v) => ({
      alias: experimentAlias(experiment?.name ?? '', v.name),
      version: v.modelVersion.version,
      versionId: v.modelVersionId,
    })),
  ];
  return { wanted, experiment: experiment?.name ?? null };
}

/** Each replica's report set against what it should answer with, alias by alias. */
export function compareReplica(wanted: TWanted[], beat: TServingHeartbeat): TReplicaAlias[] {
  const have = new Map(beat.aliases.map((a) => [a.alias, a]));
  const rows: TReplicaAlias[] = wanted.map((w) => {
    const h = have.get(w.alias)?.version ?? null;
    const state =
      h === w.version ? 'current' : beat.failedVersionIds.includes(w.versionId) ? 'failed' : 'behind';
    return { alias: w.alias, want: w.version, have: h, state };
  });
  const wantedNames = new Set(wanted.map((w) => w.alias));
  for (const a of beat.aliases)
    if (!wantedNames.has(a.alias)) rows.push({ alias: a.alias, want: null, have: a.version, state: 'stale' });
  return rows;
}

/**
 * The registry page's "Serving replicas": every serving worker that reported within its TTL, with what it
 * answers with per alias against what the registry says it should. Redis down is an answer, not an error.
 */
export async function servingReplicas(
  deps: { prisma: PrismaClient; redis: Redis | null },
  opts: { prefix: string; now?: number },
): Promise<TServingReplicas> {
  const now = opts.now ?? Date.now();
  const { wanted, experiment } = await wantedVersions(deps.prisma);
  const windowSeconds = SERVING_HEARTBEAT_MAX_TTL_MS / 1000;
  let beats: TServingHeartbeat[];
  try {
    if (!deps.redis) throw new Error('no Redis');
    beats = await readHeartbeats(deps.redis, opts.prefix, now);
  } catch {
    return { reachable: false, windowSeconds, wanted, experiment, replicas: [] };
  }
  const replicas = beats
    .sort((a, b) => a.replicaId.localeCompare(b.replicaId))
    .map((b) => ({
      replicaId: b.replicaId,
      hostname: b.hostname,
      pid: b.pid,
      startedAt: b.startedAt,
      lastSwapAt: b.lastSwapAt,
      reportedSecondsAgo: Math.max(0, Math.round((now - Date.parse(b.at)) / 1000)),
      pollSeconds: Math.ceil(b.pollMs / 1000),
      aliases: compareReplica(wanted, b),
    }));
  return { reachable: true, windowSeconds, wanted, experiment, replicas };
}
