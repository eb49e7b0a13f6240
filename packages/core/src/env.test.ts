import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { baseEnvShape, EnvError, parseEnv, zPort } from './env.ts';

const Z = z.object({ ...baseEnvShape, PORT: zPort(8080) });

describe('parseEnv', () => {
  it('defaults to the local services', () => {
    const env = parseEnv(Z, {});
    expect(env.PORT).toBe(8080);
    expect(env.DATABASE_URL).toBe('postgresql://postgres@127.0.0.1:5432/acsa');
    expect(env.REDIS_URL).toBe('redis://127.0.0.1:6379');
  });

  it('names every bad variable without echoing its value', () => {
    try {
      parseEnv(Z, { PORT: 'eighty', DATABASE_URL: 'mysql://u:hunter2@h/db' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(EnvError);
      const message = (err as Error).message;
      expect(message).toMatch(/PORT:/);
      expect(message).toMatch(/DATABASE_URL: must be a URL starting with postgresql:\/\//);
      expect(message).not.toContain('hunter2');
    }
  });

  it('treats an empty string as unset', () => {
    expect(parseEnv(Z, { PORT: '' }).PORT).toBe(8080);
  });
});
