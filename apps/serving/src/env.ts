import { availableParallelism } from 'node:os';
import { baseEnvShape, parseEnv, zPort } from '@acsa/core/env';
import { z } from 'zod';

const blank = (v: unknown) => (v === '' ? undefined : v);
const int = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.preprocess(blank, z.coerce.number().int().min(min).max(max).default(fallback));
const flag = (fallback: boolean) =>
  z
    .preprocess(blank, z.enum(['true', 'false', '1', '0']).default(fallback ? 'true' : 'false'))
    .transform((v) => v === 'true' || v === '1');

export const ZServingEnv = z.object({
  ...baseEnvShape,
  PORT: zPort(8080),
  HOST: z.string().default('127.0.0.1'),
  /** Processes sharing the port; each loads its own model copy (~10 MB). */
  SERVING_WORKERS: int(availableParallelism(), 1, 64),
  /** HMAC-SHA256 secret the shop signs customer tokens with; without it customer tokens are refused. */
  CUSTOMER_TOKEN_SECRET: z.preprocess(blank, z.string().min(32, 'must be at least 32 characters').optional()),
  /** Per chat session: one abusive shopper. */
  RATE_LIMIT_SESSION_PER_MINUTE: int(60, 1),
  /** Per API key: one key carries a whole storefront's traffic, so this is sized for it (5,000 turns/s). */
  RATE_LIMIT_KEY_PER_MINUTE: int(300_000, 1),
  /** Body size limit in bytes; a chat message is at most MAX_TEXT_LENGTH characters. */
  BODY_LIMIT_BYTES: int(16_384, 256),
  MAX_TEXT_LENGTH: int(2_000, 1),
  MICROBATCH: flag(true),
  MICROBATCH_MAX: int(32, 1, 1024),
  MICROBATCH_WAIT_MS: int(2, 0, 100),
  NLU_CACHE_SIZE: int(10_000, 0),
  /** Dialogue state lifetime in Redis after the last turn. */
  SESSION_TTL_SECONDS: int(1_800, 60),
  /** Registry poll, in case an alias-move notification was missed. */
  MODEL_POLL_MS: int(5_000, 100),
});
export type TServingEnv = z.infer<typeof ZServingEnv>;

export const loadEnv = (source: Record<string, string | undefined> = process.env): TServingEnv =>
  parseEnv(ZServingEnv, source);
