import { parseEnv } from '@acsa/core/env';
import { expect, it } from 'vitest';
import { ZCliEnv } from './env.ts';

it('defaults to the local services and names a bad variable', () => {
  const env = parseEnv(ZCliEnv, {});
  expect(env.DATABASE_URL).toBe('postgresql://postgres@127.0.0.1:5432/acsa');
  expect(env.QUEUE_PREFIX).toBeUndefined();
  expect(() => parseEnv(ZCliEnv, { REDIS_URL: 'http://x' })).toThrow(/REDIS_URL/);
});
