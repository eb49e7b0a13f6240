import { baseEnvShape, parseEnv, zPort } from '@acsa/core/env';
import { DEFAULT_QUEUE_PREFIX } from '@acsa/pipelines';
import { z } from 'zod';

export const ZConsoleEnv = z.object({
  ...baseEnvShape,
  PORT: zPort(3000),
  /** Where the console links to the serving API (docs, health). */
  SERVING_URL: z.string().url().default('http://127.0.0.1:8080'),
  /** BullMQ key prefix of the trainer's queues: the retrain button enqueues where the trainer listens. */
  QUEUE_PREFIX: z.string().min(1).default(DEFAULT_QUEUE_PREFIX),
  /** Serving's REDIS_PREFIX: where its replicas report what they answer with (the registry page lists them). */
  SERVING_REDIS_PREFIX: z.string().min(1).default('acsa:'),
});
export type TConsoleEnv = z.infer<typeof ZConsoleEnv>;

export const loadEnv = (source: Record<string, string | undefined> = process.env): TConsoleEnv =>
  parseEnv(ZConsoleEnv, source);
