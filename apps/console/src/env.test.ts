import { expect, it } from 'vitest';
import { loadEnv } from './env.ts';

it('defaults to port 3000 and names a bad variable', () => {
  expect(loadEnv({}).PORT).toBe(3000);
  expect(() => loadEnv({ PORT: '99999' })).toThrow(/PORT:/);
});
