import type { Redis } from 'ioredis';
import type pg from 'pg';
import { createSerialBatcher } from '../batch/serial-batcher.ts';
import { initialState, type TDialogueState } from '../turn/types.ts';

/**
 * Dialogue state per (API key, session id, session token): Redis with a TTL on the hot path, and a checkpoint stored with the
 * conversation in PostgreSQL (written with every turn, before the reply, so it is never behind Redis).
 * While Redis is healthy a miss means a new session, so it costs no query. Once Redis fails (an error, a
 * dropped connection, a save skipped), and for one TTL after, Redis may hold state older than the
 * checkpoint (turns answered during the outage) or have lost it (a restart): the checkpoint is read
 * instead, so an outage never makes the agent forget or repeat a turn. What this cannot see is a key lost
 * without a dropped connection (eviction, FLUSHALL): that session starts over.
 */
export class SessionStore {
  /** Until then, a Redis miss is checked against the PostgreSQL checkpoint. */
  private doubtUntil = 0;
  /** The saves that arrive while one batch is out go together in the next: one round trip for them all. */
  private readonly saved: (entry: { key: string; value: string }) => Promise<void>;

  constructor(
    private readonly redis: Redis | null,
    private readonly pool: pg.Pool,
    private readonly ttlSeconds: number,
    private readonly prefix = 'acsa:session:',
  ) {
    redis?.on('close', () => this.doubt());
    this.saved = createSerialBatcher(
      async (batch) => {
        const pipeline = (this.redis as Redis).pipeline();
        for (const { input } of batch) pipeline.set(input.key, input.value, 'EX', this.ttlSeconds);
        const results = (await pipeline.exec()) ?? [];
        for (const [i, p] of batch.entries()) {
          const err = results[i]?.[0];
          if (err || !results[i]) p.reject(err ?? new Error('no reply from Redis'));
          else p.resolve();
        }
      },
      // Uncapped, as the rate limit's: a stalled Redis must not leave saves queueing faster than they drain.
      { maxBatch: Number.POSITIVE_INFINITY },
    );
  }

  private doubt() {
    this.doubtUntil = Date.now() + this.ttlSeconds * 1000;
  }

  // The token's hash is part of the key: a caller that knows a sessionId but not its token reads nothing.
  private key(apiKeyId: string, sessionId: string, tokenHash: string) {
    return `${this.prefix}${apiKeyId}:${sessionId}:${tokenHash}`;
  }

  /**
   * The Redis key holding this session's state, for a caller that reads it in a round trip of its own
   * (the rate limit's); null while Redis is in doubt, when only the checkpoint is read.
   */
  prefetchKey(apiKeyId: string, sessionId: string, tokenHash: string): string | null {
    return this.redis?.status === 'ready' && Date.now() >= this.doubtUntil
      ? this.key(apiKeyId, sessionId, tokenHash)
      : null;
  }

  /** `prefetched`: the value of prefetchKey read already (null: no such key; undefined: not read). */
  async load(
    apiKeyId: string,
    sessionId: string,
    tokenHash: string,
    prefetched?: string | null,
  ): Promise<TDialogueState> {
    if (prefetched !== undefined && Date.now() >= this.doubtUntil) {
      return prefetched ? (JSON.parse(prefetched) as TDialogueState) : initialState();
    }
    if (this.redis?.status !== 'ready') this.doubt();
    else if (Date.now() >= this.doubtUntil) {
      try {
        const raw = await this.redis.get(this.key(apiKeyId, sessionId, tokenHash));
        return raw ? (JSON.parse(raw) as TDialogueState) : initialState();
      } catch {
        this.doubt();
      }
    }
    const { rows } = await this.pool.query<{ state: TDialogueState | null }>(
      `SELECT state FROM "Conversation"
        WHERE "sessionId" = $1 AND "apiKeyId" = $2 AND "lastMessageAt" > now() - make_interval(secs => $3)
          AND state->>'sessionTokenHash' = $4
        ORDER BY "lastMessageAt" DESC LIMIT 1`,
      [sessionId, apiKeyId, this.ttlSeconds, tokenHash],
    );
    return rows[0]?.state ?? initialState();
  }

  /** Best effort: the PostgreSQL checkpoint written with the turn is the durable copy. */
  async save(apiKeyId: string, sessionId: string, state: TDialogueState): Promise<void> {
    if (!state.sessionTokenHash) throw new Error('a dialogue state is saved under its session token');
    if (this.redis?.status !== 'ready') return this.doubt();
    try {
      await this.saved({
        key: this.key(apiKeyId, sessionId, state.sessionTokenHash),
        value: JSON.stringify(state),
      });
    } catch {
      this.doubt();
    }
  }
}
