import { z } from 'zod';

/**
 * What each serving worker reports about itself in Redis, for the console's registry page: the contract
 * between the writer (serving's replica heartbeat) and the reader (servingReplicas). Changing a key here
 * without both sides deployed hides every replica from the console until they are.
 */

/** The longest a worker waits between two reports (sooner when its registry poll is shorter). */
export const SERVING_HEARTBEAT_MS = 5_000;

/**
 * A report outlives three missed beats: a worker that dies drops off the page within this, one that is
 * merely slow (a long GC, a busy event loop) does not flicker. Also the longest any report lives, so the
 * console can say "in the last N s" of an empty list.
 */
export const heartbeatTtlMs = (everyMs: number) => 3 * everyMs;
export const SERVING_HEARTBEAT_MAX_TTL_MS = heartbeatTtlMs(SERVING_HEARTBEAT_MS);

/**
 * Under serving's REDIS_PREFIX: one key per replica with its report (expires on its own), and a sorted set
 * of replica ids scored by when their report expires, so a reader finds them without SCANning the keyspace.
 */
export const servingReplicaKeys = (prefix: string) => ({
  index: `${prefix}serving:replicas`,
  replica: (replicaId: string) => `${prefix}serving:replica:${replicaId}`,
});

export const ZServingHeartbeat = z.object({
  /** `hostname:pid`: one per serving worker process. */
  replicaId: z.string().min(1),
  hostname: z.string(),
  pid: z.number().int(),
  startedAt: z.iso.datetime(),
  /** When this report was written. */
  at: z.iso.datetime(),
  /** How often it reports; its report expires after heartbeatTtlMs(everyMs). */
  everyMs: z.number().int().positive(),
  /** Its registry poll: the longest a move it was not told about takes to reach it. */
  pollMs: z.number().int().positive(),
  /** When the versions it answers with last changed (its first load included); null: nothing loaded yet. */
  lastSwapAt: z.iso.datetime().nullable(),
  /** What it answers with, per alias: production, shadow, and `experiment:<name>:<variant>`. */
  aliases: z.array(z.object({ alias: z.string(), version: z.string(), versionId: z.string() })),
  /** Versions it was asked for that failed to load (it keeps what it had and retries after a minute). */
  failedVersionIds: z.array(z.string()),
});
export type TServingHeartbeat = z.infer<typeof ZServingHeartbeat>;
