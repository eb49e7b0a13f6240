import { baseEnvShape, parseEnv, zPort } from '@acsa/core/env';
import { z } from 'zod';

export const ZTrainerEnv = z.object({
  ...baseEnvShape,
  /** Health endpoint only; the trainer takes its work from Redis queues. */
  TRAINER_PORT: zPort(8090),
  HOST: z.string().default('127.0.0.1'),
});
export type TTrainerEnv = z.infer<typeof ZTrainerEnv>;

export const loadEnv = (source: Record<string, string | undefined> = process.env): TTrainerEnv =>
  parseEnv(ZTrainerEnv, source);
