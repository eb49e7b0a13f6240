import type { Server } from 'node:http';
import { afterEach, expect, it } from 'vitest';
import { createMetricsServer, listenMetrics } from './metrics-server.ts';

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

const serve = async (render: () => Promise<string>) => {
  server = createMetricsServer({ contentType: 'text/plain; version=0.0.4', render });
  const port = await listenMetrics(server, 0, '127.0.0.1');
  return (path: string, method = 'GET') => fetch(`http://127.0.0.1:${port}${path}`, { method });
};

it('answers GET /metrics with the exposition and nothing else', async () => {
  const get = await serve(async () => 'acsa_chat_turns_total 3\n');
  const res = await get('/metrics');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4');
  expect(await res.text()).toBe('acsa_chat_turns_total 3\n');
  expect((await get('/v1/chat', 'POST')).status).toBe(404);
  expect((await get('/healthz')).status).toBe(404);
});

it('fails a scrape the workers could not answer with 503, saying why', async () => {
  const get = await serve(() => Promise.reject(new Error('Aggregation timed out')));
  const res = await get('/metrics');
  expect(res.status).toBe(503);
  expect(await res.text()).toContain('Aggregation timed out');
});

it('refuses a port already taken', async () => {
  const get = await serve(async () => '');
  const port = Number(new URL((await get('/metrics')).url).port);
  const other = createMetricsServer({ contentType: 'text/plain', render: async () => '' });
  await expect(listenMetrics(other, port, '127.0.0.1')).rejects.toThrow(/EADDRINUSE/);
});
