import { baseEnvShape, blankToUndefined, parseEnv, parseEnvOrExit, zPort } from '@acsa/core/env';
import { DEFAULT_QUEUE_PREFIX } from '@acsa/pipelines';
import { z } from 'zod';

export const ZConsoleEnv = z
  .object({
    ...baseEnvShape,
    PORT: zPort(3000),
    /** BullMQ key prefix of the trainer's queues: the retrain button enqueues where the trainer listens. */
    QUEUE_PREFIX: z.preprocess(blankToUndefined, z.string().min(1).default(DEFAULT_QUEUE_PREFIX)),
    /** Serving's REDIS_PREFIX: where its replicas report what they answer with (the registry page lists them). */
    SERVING_REDIS_PREFIX: z.preprocess(blankToUndefined, z.string().min(1).default('acsa:')),
    /** Signs the session cookie (better-auth); required in production, where it must stay the same across restarts. */
    AUTH_SECRET: z.preprocess(
      blankToUndefined,
      z.string().min(32, 'must be at least 32 characters').optional(),
    ),
    /** The console's public URL; an https:// one makes the session cookie Secure. Default http://127.0.0.1:PORT. */
    CONSOLE_URL: z.preprocess(blankToUndefined, z.string().url().optional()),
    /**
     * Proxies in front of the console that append to X-Forwarded-For (an ingress: 1). The sign-in limits take
     * the address the outermost of them saw; entries a client wrote itself are never taken. With no proxy in
     * front, a client's own header is kept, and the per-address limits bind honest clients only.
     */
    TRUSTED_PROXY_HOPS: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(10).default(1)),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.AUTH_SECRET)
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_SECRET'],
        message: 'is required in production (32+ random characters; `npm start` makes one in var/)',
      });
  });
export type TConsoleEnv = z.infer<typeof ZConsoleEnv>;

/** Outside production only: sessions signed with it survive restarts of a development console. */
export const DEVELOPMENT_AUTH_SECRET = 'acsa-development-only-console-session-secret';

export const loadEnv = (source: Record<string, string | undefined> = process.env): TConsoleEnv =>
  parseEnv(ZConsoleEnv, source);

/**
 * At server start (instrumentation.ts): a bad environment stops the console with its problems listed once,
 * instead of a console that starts and answers every request with a 500 (AUTH_SECRET unset in production).
 */
export const loadEnvOrExit = (source: Record<string, string | undefined> = process.env): TConsoleEnv =>
  parseEnvOrExit(ZConsoleEnv, source, { exitCode: 1 });
