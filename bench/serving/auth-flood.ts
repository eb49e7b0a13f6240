/**
 * Unauthenticated flood (run on purpose: `npx tsx bench/serving/auth-flood.ts [--rate 200] [--flood 5000]
 * [--rounds 3] [--results FILE]`). Each round sends a valid key's chat turns at a steady open-loop rate, first
 * alone, then while `--flood` requests with random API keys arrive at full speed from the same address,
 * and prints the valid key's p50/p99 in both phases (the flood phase: the turns due while the flood ran),
 * how the flood was answered, serving's peak RSS and the load average; then the median ratio. The flood
 * runs at nice 19 on the second core only (taskset): an attacker's CPU is not serving's.
 */

import { execFile } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { parseArgs, promisify } from 'node:util';

import { testServiceUrls } from '@acsa/db/testing';
import { ChatClient } from './chat-client.ts';
import { freePort, loadAverages, peakRssMb, resetPeak } from './proc-stats.ts';
import { promote } from './promotions.ts';
import { percentiles } from './recorder.ts';
import { startServing } from './serving-process.ts';
import { API_KEY, setUpBench, TOKEN_SECRET } from './setup.ts';

const run = promisify(execFile);

const { values: a } = parseArgs({
  options: {
    rate: { type: 'string', default: '200' },
    duration: { type: 'string', default: '10' },
    flood: { type: 'string', default: '5000' },
    connections: { type: 'string', default: '64' },
    'redis-db': { type: 'string', default: '13' },
    rounds: { type: 'string', default: '3' },
    results: { type: 'string' },
  },
});
const rounds = Number(a.rounds);
const rate = Number(a.rate);
const durationMs = Number(a.duration) * 1000;
const floodCount = Number(a.flood);
const log = (line: string) => process.stderr.write(`${line}\n`);
const load = loadAverages;

type TSample = { due: number; ms: number; ok: boolean };

/** One FAQ turn per new session, due at start + i / rate; latency from the due time (open loop). */
async function validTurns(client: ChatClient, ms: number): Promise<TSample[]> {
  const samples: TSample[] = [];
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; ; i++) {
    const due = start + (i * 1000) / rate;
    if (due - start >= ms) break;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(
      client
        .send({ sessionId: `flood-bench-${i}-${start}`, text: 'which payment methods do you accept?' })
        .then((r) => {
          samples.push({ due, ms: performance.now() - due, ok: r.status === 200 });
        }),
    );
  }
  await Promise.all(pending);
  return samples;
}

/** The flood, from a process of its own at nice 19 (see auth-flood-worker.mjs); its window in this clock. */
async function flood(
  port: number,
): Promise<{ startedAt: number; endedAt: number; statuses: Map<number, number> }> {
  const script = new URL('./auth-flood-worker.mjs', import.meta.url).pathname;
  const { stdout } = await run('nice', [
    '-n',
    '19',
    process.execPath,
    script,
    String(port),
    String(floodCount),
    a.connections,
  ]);
  const m = JSON.parse(stdout) as { startedAt: number; endedAt: number; statuses: Record<string, number> };
  const local = (epochMs: number) => epochMs - performance.timeOrigin;
  return {
    startedAt: local(m.startedAt),
    endedAt: local(m.endedAt),
    statuses: new Map(Object.entries(m.statuses).map(([k, v]) => [Number(k), v])),
  };
}

const fmt = (s: TSample[]) => {
  const p = percentiles(Float64Array.from(s.map((x) => x.ms)));
  return { p50: p.p50, p99: p.p99, n: s.length, errors: s.filter((x) => !x.ok).length };
};

const { databaseUrl: serverUrl, redisUrl } = testServiceUrls();
const bench = await setUpBench({ serverUrl, redisBaseUrl: redisUrl, redisDb: Number(a['redis-db']), log });
await promote(bench, bench.versions[0]);
const serving = await startServing({
  databaseUrl: bench.databaseUrl,
  redisUrl: bench.redisUrl,
  port: await freePort(),
  workers: 1,
  microbatch: true,
  tokenSecret: TOKEN_SECRET,
});
try {
  const client = new ChatClient(serving.port, API_KEY, { maxSockets: 256 });
  log('warm-up 3 s');
  await validTurns(client, 3_000);
  for (const pid of serving.all()) resetPeak(pid);
  const ratios: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    log(`round ${round}: ${rate} valid turns/s for ${durationMs / 1000} s alone, then again with the flood`);
    const alone = fmt(await validTurns(client, durationMs));
    const loadAlone = load();
    const during = validTurns(client, durationMs);
    await new Promise((r) => setTimeout(r, 2_000));
    const f = await flood(serving.port);
    const samples = await during;
    const inFlood = fmt(samples.filter((s) => s.due >= f.startedAt && s.due <= f.endedAt));
    const whole = fmt(samples);
    const rss = Math.max(...serving.all().map(peakRssMb));
    const floodS = (f.endedAt - f.startedAt) / 1000;
    const answered = [...f.statuses].map(([s, n]) => `${n} × ${s}`).join(', ');
    ratios.push(inFlood.p99 / alone.p99);
    const line =
      `auth flood (${new Date().toISOString().slice(0, 16)}Z, 1 worker, round ${round}): valid key at ${rate} turns/s, p50/p99 ` +
      `${alone.p50.toFixed(1)}/${alone.p99.toFixed(1)} ms alone (load ${loadAlone}); while ${floodCount} random-key ` +
      `requests ran (${floodS.toFixed(2)} s, ${(floodCount / floodS).toFixed(0)}/s, answered ${answered}): ` +
      `${inFlood.p50.toFixed(1)}/${inFlood.p99.toFixed(1)} ms over ${inFlood.n} turns, ` +
      `${(inFlood.p99 / alone.p99).toFixed(2)}× the unloaded p99 (whole phase ${whole.p99.toFixed(1)} ms); ` +
      `valid-key errors ${alone.errors + whole.errors}; serving peak RSS ${rss.toFixed(0)} MB; load ${load()}`;
    console.log(line);
    if (a.results) appendFileSync(a.results, `\n${line}\n`);
  }
  const median = [...ratios].sort((x, y) => x - y)[Math.floor(ratios.length / 2)] ?? Number.NaN;
  const summary = `auth flood: median over ${rounds} rounds ${median.toFixed(2)}× the unloaded p99 (target ≤ 2×: ${median <= 2 ? 'met' : 'NOT met'})`;
  console.log(summary);
  if (a.results) appendFileSync(a.results, `\n${summary}\n`);
  client.close();
} finally {
  await serving.stop();
  await bench.close();
}
