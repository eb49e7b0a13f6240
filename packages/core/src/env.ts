import { z } from 'zod';

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid environment:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'EnvError';
  }
}

/**
 * Parses an app's environment once, at start. A bad value fails with every offending variable named,
 * and never echoes a value back: env often holds secrets.
 */
export function parseEnv<S extends z.ZodType>(
  schema: S,
  source: Record<string, string | undefined>,
): z.infer<S> {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  throw new EnvError(
    result.error.issues.map((issue) => {
      const name = issue.path.join('.') || '(root)';
      return `${name}: ${issue.message}`;
    }),
  );
}

/**
 * At a process's start: parseEnv, or print what is wrong (one line per variable, no stack: the trace only
 * repeats the list) and exit. Scripts exit with 2, a usage error; services pass `exitCode: 1`, the code
 * their uncaught EnvError gave before, so whatever watches them sees the same failure.
 */
export function parseEnvOrExit<S extends z.ZodType>(
  schema: S,
  source: Record<string, string | undefined>,
  { exitCode = 2 }: { exitCode?: number } = {},
): z.infer<S> {
  try {
    return parseEnv(schema, source);
  } catch (e) {
    if (!(e instanceof EnvError)) throw e;
    console.error(`error: ${e.message}`);
    process.exit(exitCode);
  }
}

/** Empty strings count as unset, as shells and .env files produce them: `z.preprocess(blankToUndefined, …)`. */
export const blankToUndefined = (v: unknown) => (v === '' ? undefined : v);

export const zPort = (fallback: number) =>
  z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(65535).default(fallback));

export const zUrl = (protocols: string[], fallback: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .default(fallback)
      .refine((v) => URL.canParse(v) && protocols.includes(new URL(v).protocol), {
        message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
      }),
  );

export const zLogLevel = z.preprocess(
  blankToUndefined,
  z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
);

export const zNodeEnv = z.preprocess(
  blankToUndefined,
  z.enum(['development', 'test', 'production']).default('development'),
);

export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/acsa';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** The variables every server app reads. */
export const baseEnvShape = {
  NODE_ENV: zNodeEnv,
  LOG_LEVEL: zLogLevel,
  DATABASE_URL: zUrl(['postgresql:', 'postgres:'], DEFAULT_DATABASE_URL),
  REDIS_URL: zUrl(['redis:', 'rediss:'], DEFAULT_REDIS_URL),
};
