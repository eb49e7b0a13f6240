import { request } from 'node:http';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { API_KEY, createTestShop, type TestShop } from './harness.ts';
import { spawnServing, type TServingProcess } from './serving-process.ts';

// `npm start`'s serving with two workers behind one port, each counting the turns it answers: a scrape of
// METRICS_PORT, which the primary answers, must report the turns of both; the API port has no metrics.
const TURNS = 40;

let shop: TestShop;
let serving: TServingProcess | undefined;
let port = 0;
let metricsPort = 0;
/** Pids of the workers that came to listen, in order (from their "Server listening" log lines). */
const listening = () =>
  (serving?.output() ?? '')
    .split('\n')
    .slice(0, -1) // the last line may be half written
    .filter((line) => line.includes('Server listening'))
    .map((line) => (JSON.parse(line) as { pid: number }).pid);

/** One request on a connection of its own (no keep-alive), so the primary hands each to the next worker. */
function send(
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  to = port,
): Promise<{ status: number; text: string }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: to,
        method,
        path,
        agent: false,
        headers: payload
          ? { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' }
          : undefined,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Polls `done` every 50 ms; fails after `timeoutMs`, or at once if serving exits, with its output. */
async function until(what: string, done: () => boolean, timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs;
  while (!done()) {
    if (serving?.child.exitCode !== null || Date.now() > end)
      throw new Error(`waited for ${what}; serving's output:\n${serving?.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function chat(turns: number, sessionPrefix: string) {
  for (let i = 0; i < turns; i++) {
    const res = await send('POST', '/v1/chat', {
      sessionId: `${sessionPrefix}-${i}`,
      text: 'where is my order?',
    });
    expect(res.status, res.text).toBe(200);
  }
}

/** acsa_chat_turns_total of one scrape, summed over its label sets. */
async function scrapedTurns(): Promise<number> {
  const res = await send('GET', '/metrics', undefined, metricsPort);
  expect(res.status, res.text).toBe(200);
  return res.text
    .split('\n')
    .filter((line) => line.startsWith('acsa_chat_turns_total'))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

beforeAll(async () => {
  shop = await createTestShop({ bundleDir: inject('bootstrapBundle') });
  // Its own process group, so afterAll stops the primary and its workers together; resolved once both
  // workers listen, each with the model loaded: only then does every new connection alternate.
  serving = await spawnServing(shop, { workers: 2 });
  port = serving.port;
  metricsPort = serving.metricsPort;
  expect((await send('GET', '/readyz')).status).toBe(200);
}, 90_000);

/** Signals the primary and its workers; false once none is left. */
const signalGroup = (pid: number, signal: NodeJS.Signals) => {
  try {
    return process.kill(-pid, signal);
  } catch {
    return false;
  }
};

afterAll(async () => {
  const child = serving?.child;
  const pid = child?.pid;
  if (pid && child?.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    signalGroup(pid, 'SIGTERM');
    const killer = setTimeout(() => signalGroup(pid, 'SIGKILL'), 5_000);
    await exited;
    clearTimeout(killer);
  }
  // Workers outlive a primary that exits first by a few moments; none may hold the database being dropped.
  if (pid) signalGroup(pid, 'SIGKILL');
  await shop?.drop();
});

it('counts the turns of every worker, scrape after scrape', async () => {
  await chat(TURNS, 'first');
  expect(await scrapedTurns(), 'first scrape').toBe(TURNS);
  expect(await scrapedTurns(), 'second scrape').toBe(TURNS);
  // A gauge that says which version is served, not how many workers serve it.
  expect((await send('GET', '/metrics', undefined, metricsPort)).text).toMatch(
    /^acsa_model_info\{version="bootstrap-test-1"\} 1$/m,
  );
});

it('answers scrapes on METRICS_PORT only: no worker serves /metrics on the API port', async () => {
  // Two connections, so each worker is asked once.
  expect((await send('GET', '/metrics')).status).toBe(404);
  expect((await send('GET', '/metrics')).status).toBe(404);
  expect((await send('GET', '/healthz')).status).toBe(200);
  expect((await send('GET', '/healthz', undefined, metricsPort)).status).toBe(404);
});

it('still answers, counting every new turn, once a crashed worker is replaced', async () => {
  process.kill(listening()[0]!, 'SIGKILL');
  await until('a replacement worker to listen', () => listening().length === 3);
  // The dead worker's turns went with it (Prometheus reads the drop as a counter reset).
  const base = await scrapedTurns();
  await chat(TURNS, 'after-crash');
  expect(await scrapedTurns(), 'first scrape').toBe(base + TURNS);
  expect(await scrapedTurns(), 'second scrape').toBe(base + TURNS);
}, 60_000);
