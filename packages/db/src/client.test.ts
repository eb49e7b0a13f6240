import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrisma, SilenceWatch } from './client.ts';
import {
  createTestDatabase,
  silentServer,
  type TestDatabase,
  tcpRelay,
  testServiceUrls,
} from './testing/index.ts';

describe('createPrisma limits', () => {
  let silent: Awaited<ReturnType<typeof silentServer>>;
  let db: TestDatabase;
  beforeAll(async () => {
    [db, silent] = await Promise.all([createTestDatabase(testServiceUrls().databaseUrl), silentServer()]);
  });
  afterAll(async () => {
    await Promise.all([silent?.close(), db?.drop()]);
  });

  it('gives up on a server that never answers after connectTimeoutMs, not minutes', async () => {
    const prisma = createPrisma({
      url: `postgresql://postgres@127.0.0.1:${silent.port}/none`,
      max: 1,
      connectTimeoutMs: 500,
    });
    const started = performance.now();
    await expect(prisma.$queryRaw`SELECT 1`).rejects.toThrow();
    expect(performance.now() - started).toBeLessThan(3_000);
    await prisma.$disconnect();
  });

  it('has PostgreSQL cancel a statement past statementTimeoutMs, with the reason', async () => {
    const prisma = createPrisma({ url: db.url, max: 1, statementTimeoutMs: 300 });
    const started = performance.now();
    await expect(prisma.$queryRaw`SELECT pg_sleep(5)`).rejects.toThrow(/statement timeout/);
    expect(performance.now() - started).toBeLessThan(3_000);
    // The connection is still good for the next statement.
    expect(await prisma.$queryRaw`SELECT 1 AS one`).toEqual([{ one: 1 }]);
    await prisma.$disconnect();
  });

  it('drops a connection whose answer did not come within answerTimeoutMs: the next statement gets a new one', async () => {
    const relay = await tcpRelay(db.url);
    const prisma = createPrisma({ url: relay.url(), max: 1, answerTimeoutMs: 500 });
    const unanswered = async (work: Promise<unknown>) => {
      const started = performance.now();
      await expect(work).rejects.toThrow(/Query read timeout/);
      return performance.now() - started;
    };
    try {
      expect(await prisma.$queryRaw`SELECT 1 AS one`).toEqual([{ one: 1 }]);
      // Silent in the middle of a transaction, as a failover finds a page's.
      const transaction = prisma.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT 2`;
        relay.silence();
        await tx.$queryRaw`SELECT 3`;
      });
      expect(await unanswered(transaction)).toBeLessThan(3_000);
      // Answered again (a failover done), but the connection that went silent stays silent: only a new one
      // is answered. The transaction gave its connection back to the pool: it must not be used again.
      relay.hear({ cut: false });
      expect(await prisma.$queryRaw`SELECT 4 AS four`).toEqual([{ four: 4 }]);

      relay.silence();
      expect(await unanswered(prisma.$queryRaw`SELECT 5`)).toBeLessThan(3_000);
      relay.hear({ cut: false });
      expect(await prisma.$transaction((tx) => tx.$queryRaw`SELECT 6 AS six`)).toEqual([{ six: 6 }]);
    } finally {
      await prisma.$disconnect();
      await relay.close();
    }
  }, 20_000);

  it('drops a connection its server no longer knows (checkSilentAfterMs), and leaves a long statement alone', async () => {
    const relay = await tcpRelay(db.url);
    const dropped: number[] = [];
    const prisma = createPrisma({
      url: relay.url(),
      max: 1,
      checkSilentAfterMs: 300,
      onSilentDropped: (d) => dropped.push(d.pid),
    });
    try {
      // Running for five times the limit on a server that answers: checked, and left alone.
      expect(await prisma.$queryRaw`SELECT 1 AS one FROM pg_sleep(1.5)`).toEqual([{ one: 1 }]);
      expect(dropped).toEqual([]);
      const [{ pid }] = await prisma.$queryRaw<[{ pid: number }]>`SELECT pg_backend_pid() AS pid`;

      // A failover: the old server is gone with its backends, its address drops packets, the new one answers
      // new connections. The pool's one connection is still open; its next statement would wait for TCP.
      relay.silence({ failover: true });
      relay.hear({ cut: false });
      const started = performance.now();
      await expect(prisma.$queryRaw`SELECT 2`).rejects.toThrow();
      expect(performance.now() - started).toBeLessThan(3_000);
      expect(dropped).toEqual([pid]);
      expect(await prisma.$queryRaw`SELECT 3 AS three`).toEqual([{ three: 3 }]);

      // Again in the middle of a transaction (its statements are sent as the client's own, not the pool's).
      const transaction = prisma.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT 4`;
        relay.silence({ failover: true });
        relay.hear({ cut: false });
        await tx.$queryRaw`SELECT 5`;
      });
      const again = performance.now();
      await expect(transaction).rejects.toThrow();
      expect(performance.now() - again).toBeLessThan(3_000);
      expect(dropped).toHaveLength(2);
      expect(await prisma.$queryRaw`SELECT 6 AS six`).toEqual([{ six: 6 }]);
    } finally {
      await prisma.$disconnect();
      await relay.close();
    }
  }, 20_000);

  it('drops a silent connection even when the new server gave its pid to a younger backend', async () => {
    const relay = await tcpRelay(db.url);
    const dropped: number[] = [];
    const watch = new SilenceWatch({
      config: { connectionString: db.url },
      afterMs: 200,
      onDrop: (d) => dropped.push(d.pid),
    });
    const old = new pg.Client({ connectionString: relay.url() });
    old.on('error', () => undefined);
    await old.connect();
    watch.connected(old);
    // The old server goes away with its backends; a backend opened a second later holds the pid the new
    // server might give it (pids are per server: after a failover one of them can match).
    await new Promise((r) => setTimeout(r, 1_500));
    const young = new pg.Client({ connectionString: db.url });
    await young.connect();
    try {
      relay.silence({ failover: true });
      const youngPid = (young as unknown as { processID: number }).processID;
      (old as unknown as { processID: number }).processID = youngPid;
      const waiting = old.query('SELECT 1').catch((e: unknown) => e);
      watch.started(old);
      const started = performance.now();
      expect(await waiting).toBeInstanceOf(Error);
      expect(performance.now() - started).toBeLessThan(3_000);
      expect(dropped).toEqual([youngPid]);
      // The younger backend itself is left alone.
      expect((await young.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
    } finally {
      await young.end();
      await relay.close();
    }
  }, 20_000);
});
