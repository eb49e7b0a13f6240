import { createHash, randomBytes } from 'node:crypto';

/**
 * A session token is the bearer proof that a caller holds a conversation: 256 random bits, issued by the
 * server on a conversation's first turn and required to continue it. Only its sha256 is kept (in the Redis
 * key and the PostgreSQL checkpoint), so what is stored cannot be replayed as a token.
 */
export const newSessionToken = (): string => randomBytes(32).toString('base64url');

export const sessionTokenHash = (token: string): string =>
  createHash('sha256').update(token).digest('base64url');
