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
 * relay's host and port. It can also go silent (`silence`), as a server that drops packets.
 * Shared by every package's tests that take a service away (serving, the retrain client).
 */
export async function tcpRelay(serviceUrl: string) {
  const target = new URL(serviceUrl);
  const open = new Set<Socket>();
  /** The clients' side of each connection open now (`open` holds both sides). */
  const clients = new Set<Socket>();
  /** Connections that went silent and stay so when the relay is heard again without cutting them. */
  const deaf = new WeakSet<Socket>();
  /** Each client connection's connection to the service. */
  const upstreams = new Map<Socket, Socket>();
  let server: Server = createServer();
  let port = 0;
  let accepted = 0;
  let silent = false;
  const track = (s: Socket) => {
    open.add(s);
    s.on('close', () => open.delete(s));
    s.on('error', () => undefined);
  };

  async function listen() {
    server = createServer((client) => {
      accepted++;
      track(client);
      clients.add(client);
      client.on('close', () => clients.delete(client));
      // Silent: the connection is taken and never answered, as by a host that drops packets. What it sends
      // is read and dropped, so its close is seen (a paused socket with unread bytes never emits it).
      if (silent) {
        client.resume();
        return;
      }
      const upstream = createConnection(
        Number(target.port || DEFAULT_PORTS[target.protocol]),
        target.hostname,
      );
      track(upstream);
      upstreams.set(client, upstream);
      // Not pipe(): while silent, bytes either way are dropped and both ends are left waiting.
      const heard = () => !silent && !deaf.has(client);
      client.on('data', (d) => heard() && upstream.write(d));
      upstream.on('data', (d) => heard() && client.write(d));
      client.on('close', () => {
        upstreams.delete(client);
        upstream.destroy();
      });
      // A connection gone silent hears nothing more, its end included.
      upstream.on('close', () => deaf.has(client) || client.destroy());
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
    /** Clients' connections open now. */
    open: () => clients.size,
    /** The service goes away: open connections are cut and new ones refused. */
    async cut() {
      const closing = new Promise((r) => server.close(r));
      for (const s of open) s.destroy();
      await closing;
    },
    /** The service is back, on the same port. */
    restore: listen,
    /**
     * The service stops answering without closing anything (a failover whose old address drops packets, a
     * partition): open connections stay open and hear nothing more, new ones are taken and never answered.
     * With `failover`, the service's side of each open connection is closed too, as when the old server is
     * gone (PostgreSQL forgets those backends), while the clients' sides stay open and silent.
     */
    silence({ failover = false }: { failover?: boolean } = {}) {
      silent = true;
      for (const s of open) deaf.add(s);
      if (failover) for (const upstream of upstreams.values()) upstream.destroy();
    },
    /**
     * Heard again, as after that failover: the connections that went silent are gone, new ones work. With
     * `cut: false` they stay open and silent instead, as when no reset ever reaches them (their packets are
     * dropped): only a client that drops them and connects again is heard.
     */
    hear({ cut = true }: { cut?: boolean } = {}) {
      if (cut) for (const s of open) s.destroy();
      silent = false;
    },
    async close() {
      for (const s of open) s.destroy();
      await new Promise((r) => (server.listening ? server.close(r) : r(undefined)));
    },
  };
}
