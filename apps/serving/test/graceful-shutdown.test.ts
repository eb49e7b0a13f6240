import type { ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { API_KEY, createTestShop, type TestShop } from './harness.ts';
import { spawnServing, type TServingProcess } from './serving-process.ts';

// Serving as a pod runs it (cluster primary + 2 workers), SIGTERM to the primary only (what the kubelet
// sends to PID 1) while 16 keep-alive clients chat flat out: every turn it accepted must be answered 200 and
// stored. A turn it declined before doing anything (the port closed: connection refused; or Fastify's 503 on
// a kept-alive connection while closing) is one a balancer retries on another pod, and is counted apart.
const CLIENTS = 16;

let shop: TestShop;
let proc: TServingProcess;
let serving: ChildProcess;
let port = 0;

type TOutcome = { status: number; retryAfter?: string } | { error: string };

function turn(agent: Agent, sessionId: string): Promise<TOutcome> {
  const payload = JSON.stringify({ sessionId, text: 'where is my order?' });
  return new Promise((resolve) => {
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
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string }),
        );
        res.on('error', (e) => resolve({ error: (e as NodeJS.ErrnoException).code ?? e.message }));
      },
    );
    req.on('error', (e) => resolve({ error: (e as NodeJS.ErrnoException).code ?? e.message }));
    req.end(payload);
  });
}

beforeAll(async () => {
  shop = await createTestShop({ bundleDir: inject('bootstrapBundle') });
  proc = await spawnServing(shop, { workers: 2 });
  serving = proc.child;
  port = proc.port;
}, 120_000);

afterAll(async () => {
  proc?.kill();
  await shop?.drop();
});

it('drains the turns in flight on SIGTERM under load: none fails, every answered one is stored', async () => {
  const outcomes: TOutcome[] = [];
  const exited = new Promise<number | null>((r) => serving.once('exit', (code) => r(code)));
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  let inFlight = 0;
  let inFlightAtSignal = -1;
  let n = 0;
  const client = async (c: number) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    // Each client stops once the port refuses it: nothing listens there any more.
    for (;;) {
      inFlight++;
      const outcome = await turn(agent, `drain-${c}-${n++}`);
      inFlight--;
      outcomes.push(outcome);
      if ('error' in outcome && outcome.error === 'ECONNREFUSED') break;
      if (gone) break;
    }
    agent.destroy();
  };
  const clients = Array.from({ length: CLIENTS }, (_, c) => client(c));
  await new Promise((r) => setTimeout(r, 1_500));
  inFlightAtSignal = inFlight;
  const signalled = Date.now();
  serving.kill('SIGTERM');
  const code = await exited;
  const drainMs = Date.now() - signalled;
  await Promise.all(clients);

  const ok = outcomes.filter((o) => 'status' in o && o.status === 200).length;
  const refused = outcomes.filter((o) => 'error' in o && o.error === 'ECONNREFUSED').length;
  const declined = outcomes.filter((o) => 'status' in o && o.status === 503).length;
  const failed = outcomes.filter(
    (o) =>
      ('status' in o && o.status !== 200 && o.status !== 503) || ('error' in o && o.error !== 'ECONNREFUSED'),
  );
  console.log(
    `graceful shutdown: ${ok} turns answered 200, ${inFlightAtSignal} in flight at SIGTERM, ` +
      `${refused} refused (port closed), ${declined} declined with 503, ${failed.length} failed; exit ${code} after ${drainMs} ms`,
  );
  expect(failed, proc.output().slice(-4_000)).toEqual([]);
  expect(code).toBe(0);
  expect(inFlightAtSignal).toBeGreaterThan(0);
  expect(ok).toBeGreaterThan(100);
  // Every turn answered 200 was stored before its answer: one conversation per session here.
  const stored = await shop.db.prisma.conversation.count({ where: { sessionId: { startsWith: 'drain-' } } });
  expect(stored).toBe(ok);
}, 60_000);
