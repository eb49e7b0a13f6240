/**
 * Limits on the trainer's database: a connection to a silent server fails in 5 s and the job is retried;
 * statements have no limit (a snapshot of a large dataset takes as long as it takes). One left waiting by a
 * failover (the old server gone, its address silent) is dropped once the server says it no longer knows
 * it, within ~20 s, and the job is retried, rather than waiting for TCP (about 15 minutes).
 */
export const TRAINER_DB_LIMITS = { connectTimeoutMs: 5_000, checkSilentAfterMs: 15_000 };
