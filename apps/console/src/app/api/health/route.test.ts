import { type AddressInfo, createServer, type Server } from 'node:net';
import { createTestDatabase, type TestDatabase, tcpRelay, testServiceUrls } from '@acsa/db/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

// The marker throws outside Next's server build; the module it marks runs here as on the server.
vi.mock('server-only', () => ({}));

/** The route as a fresh console process would run it: its database from DATABASE_URL, its client new. */
async function healthWith(databaseUrl: string): Promise<{ status: number; body: unknown }> {
  vi.stubEnv('DATABASE_URL', databaseUrl);
  vi.resetModules();
  const { GET } = await import('./route.ts');
  const res = await GET();
  return { status: res.status, body: await res.json() };
}

describe('GET /api/health', () => {
  let db: TestDatabase;
  let silent: Server;
  beforeAll(async () => {
    db = await createTestDatabase(testServiceUrls().databaseUrl);
    // Accepts connections and never answers: a database host that hangs.
    silent = createServer(() => {});
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
  });
  afterEach(() => vi.unstubAllEnvs());
  afterAll(async () => {
    silent?.close();
    await db?.drop();
  });

  it('answers 200 when its database answers', async () => {
    expect(await healthWith(db.url)).toEqual({
      status: 200,
      body: { status: 'ok', service: 'console', database: 'ok' },
    });
  });

  it('answers 503 naming an unreachable database, without its password', async () => {
    const { status, body } = await healthWith('postgresql://acsa:hunter2-secret@127.0.0.1:1/acsa');
    expect(status).toBe(503);
    expect(body).toEqual({ status: 'unavailable', service: 'console', database: expect.any(String) });
    const { database } = body as { database: string };
    expect(database).toContain("Can't reach database server at 127.0.0.1:1");
    expect(JSON.stringify(body)).not.toContain('hunter2');
  });

  it('answers 503 within its timeout when the database server never answers', async () => {
    const { port } = silent.address() as AddressInfo;
    const started = performance.now();
    const { status, body } = await healthWith(`postgresql://postgres@127.0.0.1:${port}/acsa`);
    expect(status).toBe(503);
    expect(body).toEqual({
      status: 'unavailable',
      service: 'console',
      database: expect.stringMatching(/no answer within \d+ ms|timeout/),
    });
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('keeps one connection through a database gone silent and back: 503 meanwhile, 200 after', async () => {
    const relay = await tcpRelay(db.url);
    vi.stubEnv('DATABASE_URL', relay.url());
    vi.resetModules();
    const { GET } = await import('./route.ts');
    const probe = async () => (await GET()).status;
    try {
      expect(await probe()).toBe(200);
      relay.silence();
      for (let i = 0; i < 3; i++) expect(await probe()).toBe(503);
      // Heard again on new connections; the silent ones stay silent unless the client drops them.
      relay.hear({ cut: false });
      expect(await probe()).toBe(200);
      expect(await probe()).toBe(200);
      // One connection open, not one left behind by every probe of the silent server.
      await expect.poll(() => relay.open(), { timeout: 3_000 }).toBe(1);
    } finally {
      await relay.close();
    }
  }, 30_000);
});
