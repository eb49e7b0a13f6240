import { baseEnvShape, parseEnv } from '@acsa/core/env';
import { z } from 'zod';

/**
 * The CLI's environment, parsed once: the database, Redis, the BullMQ prefix the trainer uses, and a new
 * user's password for `acsa users add`.
 */
export const ZCliEnv = z.object({
  DATABASE_URL: baseEnvShape.DATABASE_URL,
  REDIS_URL: baseEnvShape.REDIS_URL,
  QUEUE_PREFIX: z.preprocess((v) => (v === '' ? undefined : v), z.string().optional()),
  /** `acsa users add`'s password when not on stdin (never an argument). */
  ACSA_USER_PASSWORD: z.preprocess((v) => (v === '' ? undefined : v), z.string().optional()),
});
export type TCliEnv = z.infer<typeof ZCliEnv>;

let parsed: TCliEnv | undefined;
export const cliEnv = (): TCliEnv => (parsed ??= parseEnv(ZCliEnv, process.env));
