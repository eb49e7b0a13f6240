import { baseEnvShape, parseEnvOrExit, zPort } from '@acsa/core/env';
import { z } from 'zod';

const blank = (v: unknown) => (v === '' ? undefined : v);

export const ZDemoShopEnv = z.object({
  NODE_ENV: baseEnvShape.NODE_ENV,
  DATABASE_URL: baseEnvShape.DATABASE_URL,
  DEMO_SHOP_PORT: zPort(3100),
  DEMO_SHOP_HOST: z.string().default('127.0.0.1'),
  /** Where the page's widget talks to serving. */
  SERVING_URL: z.url().default('http://127.0.0.1:8080'),
  /** The publishable key the page embeds (bound to this page's origin). */
  ACSA_DEMO_PUBLISHABLE_KEY: z.string().min(24, 'must be at least 24 characters'),
  /** The shop's side of customer tokens: the demo's "sign in as Alex Morgan" mints one with it. */
  CUSTOMER_TOKEN_SECRET: z.preprocess(blank, z.string().min(32, 'must be at least 32 characters')),
});
export type TDemoShopEnv = z.infer<typeof ZDemoShopEnv>;

export const loadEnv = (source: Record<string, string | undefined> = process.env): TDemoShopEnv =>
  parseEnvOrExit(ZDemoShopEnv, source);
