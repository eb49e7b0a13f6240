import { baseEnvShape, parseEnv } from '@acsa/core/env';
import { z } from 'zod';

/** The CLI's environment, parsed once: the database, Redis, and the BullMQ prefix the trainer uses. */
export const ZCliEnv = z.object({
  DATABASE_URL: baseEnvShape.DATABASE_URL,
  REDIS_URL: baseEnvShape.REDIS_URL,
  QUEUE_PREFIX: z.preprocess((v) => (v === '' ? undefined : v), z.string().optional()),
});
export type TCliEnv = z.infer<typeof ZCliEnv>;

let parsed: TCliEnv | undefined;
export const cliEnv = (): TCliEnv => (parsed ??= parseEnv(ZCliEnv, process.env));
