import { createConnection, createServer, type Server, type Socket } from 'node:net';

const DEFAULT_PORTS: Record<string, number> = {
  'redis:': 6379,
  'rediss:': 6379,
  'postgresql:': 5432,
  'postgres:': 5432,
};

/**
 * A TCP relay in front of a real service (Redis, PostgreSQL), so a test can take it away from serving
 * (every connection cut, new ones refused, as an outage or a restart looks from serving's side) and give
 * it back, without stopping the machine's service, which other tests use. `url()` is `serviceUrl` with the
 * relay's host and port.
 */
export async function tcpRelay(serviceUrl: string) {
  const target = new URL(serviceUrl);
  const open = new Set<Socket>();
  let server: Server = createServer();
  let port = 0;
  let accepted = 0;

  async function listen() {
    server = createServer((client) => {
      accepted++;
      const upstream = createConnection(
        Number(target.port || DEFAULT_PORTS[target.protocol]),
        target.hostname,
      );
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
    url: () => {
      const u = new URL(serviceUrl);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    /** Connections accepted so far. */
    accepted: () => accepted,
    /** The service goes away: open connections are cut and new ones refused. */
    async cut() {
      const closing = new Promise((r) => server.close(r));
      for (const s of open) s.destroy();
      await closing;
    },
    /** The service is back, on the same port. */
    restore: listen,
    async close() {
      for (const s of open) s.destroy();
      await new Promise((r) => (server.listening ? server.close(r) : r(undefined)));
    },
  };
}
