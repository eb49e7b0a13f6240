import { expect, it } from 'vitest';
import { loadEnv } from './env.ts';

it('defaults to port 8080 and names a bad variable', () => {
  expect(loadEnv({}).PORT).toBe(8080);
  expect(() => loadEnv({ REDIS_URL: 'http://localhost:6379' })).toThrow(
    /REDIS_URL: must be a URL starting with redis:/,
  );
});
