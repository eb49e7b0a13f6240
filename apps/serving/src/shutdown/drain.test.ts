import { Agent, request } from 'node:http';
import Fastify from 'fastify';
import { expect, it } from 'vitest';
import { installDrain } from './drain.ts';

const get = (agent: Agent, port: number, path: string) =>
  new Promise<{ status: number; connection?: string; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }));
    });
    req.on('error', reject);
    req.end();
  });

it('while draining: finishes the request in flight, answers /readyz 503 with Connection: close, refuses new connections and closes idle ones after the grace', async () => {
  const app = Fastify();
  let release = () => {};
  app.get('/slow', () => new Promise((r) => (release = () => r({ done: true }))));
  app.get('/readyz', async () => ({ status: 'ready' }));
  const { drain } = installDrain(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  const slowAgent = new Agent({ keepAlive: true, maxSockets: 1 });
  const probeAgent = new Agent({ keepAlive: true, maxSockets: 1 });
  expect((await get(probeAgent, port, '/readyz')).status).toBe(200);

  const inFlight = get(slowAgent, port, '/slow');
  await new Promise((r) => setTimeout(r, 50));
  const drained = drain({ idleGraceMs: 300, timeoutMs: 10_000 });

  // The probe's kept-alive connection is still served, with the news: not ready, and close this connection.
  const probe = await get(probeAgent, port, '/readyz');
  expect(probe).toMatchObject({ status: 503, connection: 'close' });
  // A new connection is refused: the port no longer accepts.
  await expect(get(new Agent(), port, '/readyz')).rejects.toThrow(/ECONNREFUSED/);
  release();
  expect(await inFlight).toMatchObject({ status: 200, body: '{"done":true}' });
  // The in-flight turn's connection, kept alive and now idle, is closed after the grace; then the drain ends.
  const started = Date.now();
  await drained;
  expect(Date.now() - started).toBeLessThan(2_000);
  await app.close();
});
