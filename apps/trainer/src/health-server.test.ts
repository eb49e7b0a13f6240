import type { AddressInfo } from 'node:net';
import { afterAll, expect, it } from 'vitest';
import { createHealthServer } from './health-server.ts';

let healthy = true;
const server = createHealthServer(async () => {
  if (!healthy) throw new Error('redis unreachable');
  return { service: 'trainer' };
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`;
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

it('reports ok, and 503 with the reason when a dependency is down', async () => {
  const ok = await fetch(url);
  expect(ok.status).toBe(200);
  expect(await ok.json()).toMatchObject({ status: 'ok', service: 'trainer' });
  healthy = false;
  const down = await fetch(url);
  expect(down.status).toBe(503);
  expect(await down.json()).toMatchObject({ reason: 'redis unreachable' });
});

it('answers /livez while a dependency is down: a liveness probe restarts a hung process, not one waiting out an outage', async () => {
  healthy = false;
  const live = await fetch(url.replace('/healthz', '/livez'));
  expect(live.status).toBe(200);
  expect((await fetch(url)).status).toBe(503);
});
