import type { Redis } from 'ioredis';
import type pg from 'pg';
import { initialState, type TDialogueState } from '../turn/types.ts';

/**
 * Dialogue state per (API key, session): Redis with a TTL on the hot path; when Redis misses or is down,
 * the checkpoint stored with the conversation in PostgreSQL (written with every turn) is read back, so a
 * Redis outage or restart never makes the agent forget what was said.
 */
export class SessionStore {
  constructor(
    private readonly redis: Redis | null,
    private readonly pool: pg.Pool,
    private readonly ttlSeconds: number,
    private readonly prefix = 'acsa:session:',
  ) {}

  private key(apiKeyId: string, sessionId: string) {
    return `${this.prefix}${apiKeyId}:${sessionId}`;
  }

  async load(apiKeyId: string, sessionId: string): Promise<TDialogueState> {
    if (this.redis?.status === 'ready') {
      try {
        const raw = await this.redis.get(this.key(apiKeyId, sessionId));
        if (raw) return JSON.parse(raw) as TDialogueState;
      } catch {
        // read the checkpoint below
      }
    }
    const { rows } = await this.pool.query<{ state: TDialogueState | null }>(
      `SELECT state FROM "Conversation"
        WHERE "sessionId" = $1 AND "apiKeyId" = $2 AND "lastMessageAt" > now() - make_interval(secs => $3)
        ORDER BY "lastMessageAt" DESC LIMIT 1`,
      [sessionId, apiKeyId, this.ttlSeconds],
    );
    return rows[0]?.state ?? initialState();
  }

  /** Best effort: the PostgreSQL checkpoint written with the turn is the durable copy. */
  async save(apiKeyId: string, sessionId: string, state: TDialogueState): Promise<void> {
    if (this.redis?.status !== 'ready') return;
    try {
      await this.redis.set(this.key(apiKeyId, sessionId), JSON.stringify(state), 'EX', this.ttlSeconds);
    } catch {
      // the checkpoint covers it
    }
  }
}
