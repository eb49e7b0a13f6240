import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * The balancer in front of several serving replicas, as small as one can be: each new TCP connection goes
 * to the next upstream port in turn and is piped both ways. Kept-alive connections stay on their replica,
 * as they do behind a Kubernetes Service (kube-proxy balances connections, not requests).
 */
export function startRoundRobinProxy(upstreams: number[]): Promise<{ port: number; close(): Promise<void> }> {
  let next = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const port = upstreams[next++ % upstreams.length] as number;
    const upstream = connect(port, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as { port: number }).port,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      }),
    );
  });
}
