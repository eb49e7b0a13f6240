import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP relay in front of the real Redis, so a test can take Redis away from serving (every connection
 * dropped, new ones refused) and give it back, the way an outage or a restart looks from serving's side.
 */
export async function redisProxy(redisUrl: string) {
  const target = new URL(redisUrl);
  const open = new Set<Socket>();
  let server: Server = createServer();
  let port = 0;
  let accepted = 0;

  async function listen() {
    server = createServer((client) => {
      accepted++;
      const upstream = createConnection(Number(target.port || 6379), target.hostname);
      for (const s of [client, upstream]) {
        open.add(s);
        s.on('close', () => open.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  }
  await listen();

  return {
    url: () => `redis://127.0.0.1:${port}${target.pathname}`,
    /** Connections accepted so far. */
    accepted: () => accepted,
    /** Redis goes away: open connections are cut and new ones refused. */
    async cut() {
      const closing = new Promise((r) => server.close(r));
      for (const s of open) s.destroy();
      await closing;
    },
    /** Redis is back, on the same port. */
    restore: listen,
    async close() {
      for (const s of open) s.destroy();
      await new Promise((r) => (server.listening ? server.close(r) : r(undefined)));
    },
  };
}
