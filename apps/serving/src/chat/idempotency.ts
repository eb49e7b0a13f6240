import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { AppError } from '@acsa/core/errors';
import type { Redis } from 'ioredis';

/**
 * What a client may send as `Idempotency-Key`: a random UUID per message fits. At least 16 characters: the
 * key is what seals the stored answer, so one that can be guessed would open it to whoever reads Redis.
 */
const KEY_FORMAT = /^[\x21-\x7e]{16,255}$/;
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/**
 * How long a claim stands before a retry may answer the message anew: longer than a turn can take (its
 * statements give up after 3 s, Redis's after 1 s), short enough that a retry after a worker died
 * mid-turn is answered while the shopper still waits.
 */
const PENDING_MS = 15_000;
/** How long an answered message is replayed to a retry. */
const ANSWERED_SECONDS = 24 * 3600;

type TRecord =
  | { state: 'pending'; owner: string; fingerprint: string }
  | { state: 'answered'; sealed: string };

export type TClaim<R> =
  | { kind: 'new'; answered(response: R): Promise<void>; failed(): Promise<void> }
  | { kind: 'replay'; response: R };

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/** Replaces (ARGV[2] set) or deletes the record only while it is still this attempt's claim (ARGV[1]). */
const IF_OWNED = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then return redis.call('DEL', KEYS[1]) end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1`;

/**
 * Remembers, per storefront key and session, the answer to each message a client names with an
 * `Idempotency-Key`, so that a retry of a message whose answer was lost on the way (a proxy's timeout, a
 * dropped connection, a worker killed after it stored the turn) gets that answer again instead of a second
 * turn. While the first attempt is still being answered a retry is told 409 with Retry-After; the key sent
 * with another text is refused with 422 naming the header. A retry is the same message when its text is:
 * the rest of the body may change between attempts (a page that mints a fresh customer token per load).
 * The answer holds the session's token, so Redis keeps it sealed with a key derived from the
 * Idempotency-Key, which only the client holds (Redis's key name has a salted hash of it): whoever reads
 * Redis reads no token. Only the attempt that claimed a message writes or drops its record.
 *
 * What this cannot do: without Redis (down, or not yet back) a message is answered as if it carried no
 * key; and a worker killed after storing a turn but before remembering its answer leaves a claim that
 * lapses after PENDING_MS, when a retry is answered anew.
 */
export class IdempotencyStore {
  constructor(
    private readonly redis: Redis | null,
    private readonly prefix: string,
  ) {}

  /** The header's value when it is valid; undefined when absent; a 400 naming the header otherwise. */
  static parse(header: string | string[] | undefined): string | undefined {
    if (header === undefined) return undefined;
    if (typeof header !== 'string' || !KEY_FORMAT.test(header))
      throw new AppError(
        'BAD_REQUEST',
        'Idempotency-Key must be one value of 16 to 255 visible ASCII characters: a new random UUID per message',
        { field: 'Idempotency-Key' },
      );
    return header;
  }

  async claim<R>(
    scope: { apiKeyId: string; sessionId: string },
    key: string,
    text: string,
    again = false,
  ): Promise<TClaim<R>> {
    const none: TClaim<R> = { kind: 'new', answered: async () => undefined, failed: async () => undefined };
    const redis = this.redis;
    if (redis?.status !== 'ready') return none;
    const salted = sha256(`id:${scope.apiKeyId}:${scope.sessionId}:${key}`).toString('hex');
    const id = `${this.prefix}${scope.apiKeyId}:${scope.sessionId}:${salted}`;
    const fingerprint = sha256(`text:${key}:${text}`).toString('base64url');
    const pending = JSON.stringify({
      state: 'pending',
      owner: randomBytes(12).toString('base64url'),
      fingerprint,
    } satisfies TRecord);
    let held: string | null;
    try {
      const claimed = await redis.set(id, pending, 'PX', PENDING_MS, 'NX');
      if (claimed === 'OK') {
        const ifOwned = (next: string) =>
          redis.eval(IF_OWNED, 1, id, pending, next, ANSWERED_SECONDS).then(
            () => undefined,
            () => undefined,
          );
        return {
          kind: 'new',
          answered: (response) => {
            const sealed = seal(key, JSON.stringify({ fingerprint, response }));
            return ifOwned(JSON.stringify({ state: 'answered', sealed } satisfies TRecord));
          },
          // The next attempt answers it anew: nothing of this one was acknowledged.
          failed: () => ifOwned(''),
        };
      }
      held = await redis.get(id);
    } catch {
      return none;
    }
    // Gone between the two commands (lapsed, or the first attempt failed): this attempt may claim it.
    if (held === null) return again ? none : this.claim(scope, key, text, true);
    const record = JSON.parse(held) as TRecord;
    if (record.state === 'pending') {
      if (record.fingerprint !== fingerprint) throw reused();
      throw new AppError('CONFLICT', 'this message is still being answered; ask again in a moment', {
        field: 'Idempotency-Key',
        retryAfter: 1,
      });
    }
    const opened = JSON.parse(open(key, record.sealed)) as { fingerprint: string; response: R };
    if (opened.fingerprint !== fingerprint) throw reused();
    return { kind: 'replay', response: opened.response };
  }
}

const reused = () =>
  new AppError(
    'UNPROCESSABLE',
    'this Idempotency-Key was sent with another message; send a new key with each new message',
    { field: 'Idempotency-Key' },
  );

function seal(key: string, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sha256(`seal:${key}`), iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

function open(key: string, sealed: string): string {
  const raw = Buffer.from(sealed, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', sha256(`seal:${key}`), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}
