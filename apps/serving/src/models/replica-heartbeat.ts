import { hostname } from 'node:os';
import type { Logger } from '@acsa/core/logger';
import {
  heartbeatTtlMs,
  SERVING_HEARTBEAT_MAX_TTL_MS,
  SERVING_HEARTBEAT_MS,
  servingReplicaKeys,
  type TServingHeartbeat,
} from '@acsa/pipelines';
import type { Redis } from 'ioredis';
import type { ModelRegistry } from './model-registry.ts';

// One report per worker process; a second app in the same process (tests) gets a suffix, not the same key.
let appsInProcess = 0;

/**
 * Tells the console what this worker answers with: a report in Redis every few seconds and at once after a
 * hot swap, removed on graceful shutdown, expiring on its own when the worker dies. Best effort only: a
 * report that fails is logged once and retried on the next beat; no request ever waits on it.
 */
export function startReplicaHeartbeat(options: {
  redis: Redis;
  prefix: string;
  registry: ModelRegistry;
  logger: Logger;
  /** The registry poll: reports at least this often, and the console says a move lands within it. */
  pollMs: number;
}) {
  const { redis, registry, logger, pollMs } = options;
  const keys = servingReplicaKeys(options.prefix);
  const n = ++appsInProcess;
  const replicaId = `${hostname()}:${process.pid}${n > 1 ? `:${n}` : ''}`;
  const startedAt = new Date().toISOString();
  const everyMs = Math.min(pollMs, SERVING_HEARTBEAT_MS);
  const ttlMs = heartbeatTtlMs(everyMs);
  let failing = false;
  let stopped = false;
  let inFlight: Promise<void> | null = null;
  let pending = false;

  const write = async () => {
    const now = Date.now();
    const report: TServingHeartbeat = {
      replicaId,
      hostname: hostname(),
      pid: process.pid,
      startedAt,
      at: new Date(now).toISOString(),
      everyMs,
      pollMs,
      ...registry.report(),
    };
    await redis
      .multi()
      .set(keys.replica(replicaId), JSON.stringify(report), 'PX', ttlMs)
      .zadd(keys.index, now + ttlMs, replicaId)
      .zremrangebyscore(keys.index, '-inf', now)
      // Outlives every member's own report (none lives longer), so an index whose replicas all died goes too.
      .pexpire(keys.index, SERVING_HEARTBEAT_MAX_TTL_MS)
      .exec();
  };

  const beat = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    // A swap during a write reports again right after it, so the last report is never the older picture.
    if (inFlight) {
      pending = true;
      return inFlight;
    }
    inFlight = (async () => {
      try {
        do {
          pending = false;
          await write();
        } while (pending && !stopped);
        if (failing) logger.info({ replicaId }, 'replica heartbeat reaches Redis again');
        failing = false;
      } catch (e) {
        if (!failing)
          logger.warn(
            { replicaId, err: (e as Error).message },
            'replica heartbeat failed; serving carries on, the console may not list this replica',
          );
        failing = true;
      } finally {
        inFlight = null;
      }
    })();
    return inFlight;
  };

  const timer = setInterval(() => void beat(), everyMs);
  timer.unref();
  void beat();

  return {
    replicaId,
    beat,
    /** Stops reporting and removes the report: the console stops listing this worker at once. */
    async stop() {
      stopped = true;
      clearInterval(timer);
      await inFlight;
      await redis
        .multi()
        .del(keys.replica(replicaId))
        .zrem(keys.index, replicaId)
        .exec()
        .catch(() => undefined);
    },
  };
}
