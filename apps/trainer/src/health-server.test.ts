import type { AddressInfo } from 'node:net';
import { afterAll, expect, it } from 'vitest';
import { createHealthServer } from './health-server.ts';

let healthy = true;
let failure = new Error('redis unreachable');
const server = createHealthServer(
  async () => {
    if (!healthy) throw failure;
    return { service: 'trainer' };
  },
  undefined,
  ['postgresql://acsa:s3cr%40t-pw@db.internal:5432/acsa', 'redis://:r3d1s-pw@cache.internal:6379'],
);
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

it('never answers with a password of the URLs it connects with, and says one line', async () => {
  healthy = false;
  failure = new Error(
    'password authentication failed: postgresql://acsa:s3cr@t-pw@db.internal:5432/acsa (redis://:r3d1s-pw@cache.internal)\n    at Connection.parseE (node_modules/pg/lib/connection.js:1:1)',
  );
  const body = await (await fetch(url)).text();
  expect(body).not.toContain('s3cr@t-pw');
  expect(body).not.toContain('r3d1s-pw');
  expect(body).not.toContain('node_modules');
  expect(JSON.parse(body).reason).toBe(
    'password authentication failed: postgresql://acsa:***@db.internal:5432/acsa (redis://:***@cache.internal)',
  );
  failure = new Error('redis unreachable');
});
