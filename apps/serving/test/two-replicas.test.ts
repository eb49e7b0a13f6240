import { Agent, request } from 'node:http';
import { announceAliasMove } from '@acsa/pipelines';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { API_KEY, createTestShop, type TestShop } from './harness.ts';
import { startRoundRobinProxy } from './round-robin-proxy.ts';
import { spawnServing, type TServingProcess } from './serving-process.ts';

// The multi-replica picture on one machine: two serving processes on their own ports (as two pods), a
// round-robin balancer in front, shoppers chatting through it, and a promotion under that load. Serving's
// registry poll is left at its 5 s default, so only the announcement can bring the new version within 1 s.
const CLIENTS = 12;

let shop: TestShop;
let replicas: TServingProcess[] = [];
let proxy: Awaited<ReturnType<typeof startRoundRobinProxy>> | undefined;
let publisher: Redis;
let v2 = '';

function post(agent: Agent, port: number, sessionId: string) {
  const body = JSON.stringify({ sessionId, text: 'where is my order?' });
  return new Promise<{ status: number; version?: string; error?: string }>((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/chat',
        agent,
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          resolve({ status, version: status === 200 ? JSON.parse(text).modelVersion : undefined });
        });
      },
    );
    req.on('error', (e) => resolve({ status: 0, error: e.message }));
    req.end(body);
  });
}

const readyVersion = (port: number) =>
  fetch(`http://127.0.0.1:${port}/readyz`)
    .then((r) => r.json() as Promise<{ modelVersion?: string }>)
    .then((b) => b.modelVersion)
    .catch(() => undefined);

beforeAll(async () => {
  shop = await createTestShop({ bundleDir: inject('bootstrapBundle') });
  v2 = await shop.register(inject('bootstrapBundle'), 'bootstrap-test-2');
  replicas = await Promise.all([spawnServing(shop), spawnServing(shop)]);
  proxy = await startRoundRobinProxy(replicas.map((r) => r.port));
  publisher = new Redis(shop.redis.url);
  for (const r of replicas) expect(await readyVersion(r.port)).toBe('bootstrap-test-1');
}, 120_000);

afterAll(async () => {
  await proxy?.close();
  for (const r of replicas) r.kill();
  publisher?.disconnect();
  await shop?.drop();
});

it('a promotion under load reaches both replicas within 1 s, failing no turn', async () => {
  const outcomes: { status: number; version?: string; error?: string; at: number }[] = [];
  let stop = false;
  let n = 0;
  const client = async (c: number) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    while (!stop) outcomes.push({ ...(await post(agent, proxy!.port, `rr-${c}-${n++}`)), at: Date.now() });
    agent.destroy();
  };
  const clients = Array.from({ length: CLIENTS }, (_, c) => client(c));
  await new Promise((r) => setTimeout(r, 1_500));

  await shop.promote(v2);
  const moved = Date.now();
  await announceAliasMove(publisher, 'production', v2);
  // Each replica's own /readyz, polled directly every 10 ms: when did it start serving the new version?
  const swapMs = await Promise.all(
    replicas.map(async (r) => {
      while ((await readyVersion(r.port)) !== 'bootstrap-test-2') {
        if (Date.now() - moved > 10_000) return Number.POSITIVE_INFINITY;
        await new Promise((res) => setTimeout(res, 10));
      }
      return Date.now() - moved;
    }),
  );
  const bothAt = moved + Math.max(...swapMs);
  await new Promise((r) => setTimeout(r, 1_000));
  stop = true;
  await Promise.all(clients);

  const failed = outcomes.filter((o) => o.status !== 200);
  const after = outcomes.filter((o) => o.at > bothAt + 50);
  const lastOld = Math.max(
    0,
    ...outcomes.filter((o) => o.version === 'bootstrap-test-1').map((o) => o.at - moved),
  );
  console.log(
    `two replicas behind a round-robin balancer, ${CLIENTS} keep-alive clients: ${outcomes.length} turns, ` +
      `${failed.length} failed; promotion reached replica A in ${swapMs[0]} ms, B in ${swapMs[1]} ms; ` +
      `last old-version answer ${lastOld} ms after the move`,
  );
  expect(failed).toEqual([]);
  expect(outcomes.length).toBeGreaterThan(100);
  for (const ms of swapMs) expect(ms).toBeLessThan(1_000);
  // Both replicas answered turns, and once both had swapped every answer names the new version.
  for (const r of replicas) {
    const metrics = await fetch(`http://127.0.0.1:${r.metricsPort}/metrics`).then((res) => res.text());
    const turns = metrics
      .split('\n')
      .filter((l) => l.startsWith('acsa_chat_turns_total'))
      .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    expect(turns, `turns answered by the replica on ${r.port}`).toBeGreaterThan(50);
    // Scraped on METRICS_PORT, as Prometheus does: the shoppers' port has none.
    expect((await fetch(`http://127.0.0.1:${r.port}/metrics`)).status).toBe(404);
  }
  expect(after.length).toBeGreaterThan(0);
  expect(after.filter((o) => o.version !== 'bootstrap-test-2')).toEqual([]);
}, 60_000);
