import { expect, it } from 'vitest';
import { loadEnv } from './env.ts';

it('defaults to port 3000 and names a bad variable', () => {
  expect(loadEnv({}).PORT).toBe(3000);
  expect(() => loadEnv({ PORT: '99999' })).toThrow(/PORT:/);
});

it('needs AUTH_SECRET in production, of 32+ characters, and names what is wrong', () => {
  expect(() => loadEnv({ NODE_ENV: 'production' })).toThrow(/AUTH_SECRET: is required in production/);
  expect(() => loadEnv({ NODE_ENV: 'production', AUTH_SECRET: 'short' })).toThrow(
    /AUTH_SECRET: must be at least 32/,
  );
  expect(loadEnv({ NODE_ENV: 'production', AUTH_SECRET: 'x'.repeat(32) }).AUTH_SECRET).toHaveLength(32);
  expect(loadEnv({ NODE_ENV: 'development' }).AUTH_SECRET).toBeUndefined();
});

it('takes an empty value as unset, as the trainer and the CLI do', () => {
  const env = loadEnv({ QUEUE_PREFIX: '', SERVING_REDIS_PREFIX: '' });
  expect(env).toMatchObject({
    QUEUE_PREFIX: loadEnv({}).QUEUE_PREFIX,
    SERVING_REDIS_PREFIX: 'acsa:',
  });
});
