import { baseEnvShape, parseEnv, zPort } from '@acsa/core/env';
import { z } from 'zod';

export const ZConsoleEnv = z.object({
  ...baseEnvShape,
  PORT: zPort(3000),
  /** Where the console links to the serving API (docs, health). */
  SERVING_URL: z.string().url().default('http://127.0.0.1:8080'),
});
export type TConsoleEnv = z.infer<typeof ZConsoleEnv>;

export const loadEnv = (source: Record<string, string | undefined> = process.env): TConsoleEnv =>
  parseEnv(ZConsoleEnv, source);
