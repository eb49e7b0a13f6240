import { describe, expect, it, vi } from 'vitest';

describe('GET /api/live', () => {
  it('answers at once without asking the database, so an outage restarts no console', async () => {
    // A database nobody could reach: the liveness answer must not depend on it.
    vi.stubEnv('DATABASE_URL', 'postgresql://postgres@127.0.0.1:1/none');
    const { GET } = await import('./route.ts');
    const started = performance.now();
    const res = GET();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', service: 'console' });
    expect(performance.now() - started).toBeLessThan(100);
    vi.unstubAllEnvs();
  });
});
