import type { Redis } from 'ioredis';
import { MODEL_ALIAS_CHANNEL } from './queues.ts';

/**
 * Tells every serving replica that an alias moved. Fire-and-forget by design: replicas also poll the
 * registry, so a move announced while Redis is down still arrives within the poll interval.
 */
export async function announceAliasMove(
  redis: Redis,
  alias: string,
  versionId: string | null,
): Promise<boolean> {
  try {
    await redis.publish(
      MODEL_ALIAS_CHANNEL,
      JSON.stringify({ alias, versionId, at: new Date().toISOString() }),
    );
    return true;
  } catch {
    return false;
  }
}
