import { baseEnvShape, parseEnv, zPort } from '@acsa/core/env';
import { z } from 'zod';

export const ZServingEnv = z.object({
  ...baseEnvShape,
  PORT: zPort(8080),
  HOST: z.string().default('127.0.0.1'),
});
export type TServingEnv = z.infer<typeof ZServingEnv>;

export const loadEnv = (source: Record<string, string | undefined> = process.env): TServingEnv =>
  parseEnv(ZServingEnv, source);
