/**
 * The product as it ships, under load (run on purpose): serving with its default worker count, the trainer
 * (its analytics consumer, drift and schedulers) and the console all running on this machine beside
 * PostgreSQL, Redis and the load generator — what `npm start` runs — against a bare floor measured in the
 * same run: one Fastify process doing a Redis GET, an INSERT and a Redis SET per turn (floor-server.mjs).
 * Prints the open-loop p50/p99 at `--rate`, the closed-loop saturation of both and their ratio, and the CPU
 * each process took per turn, with peak RSS and the load average.
 *
 *   npx tsx bench/serving/everything.ts [--rate 800] [--duration 20] [--concurrency 64] [--step 8]
 *     [--workers N (default: serving's own default)] [--no-console] [--results FILE]
 *     [--serving-env NAME=VALUE,… (serving's settings changed from the shipped ones, to compare)]
 *     [--timeline FILE (latency and each process's CPU per 250 ms of the open loop)]
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { testServiceUrls } from '@acsa/db/testing';
import { SERVING_NODE_OPTIONS } from '../../apps/serving/node-options.mjs';
import { defaultWorkers } from '../../apps/serving/src/env.ts';
import { buildConsole, startConsole, stopConsole } from '../../packages/e2e/src/console-server.ts';
import { ChatClient } from './chat-client.ts';
import { conversationSource } from './conversations.ts';
import { ConversationPool, closedLoop, openLoop } from './load.ts';
import { freePort, loadAverages, pidsByName } from './proc-stats.ts';
import { cpuTimeline, meter, pgBackends, type TGroup, tree } from './process-groups.ts';
import { promote } from './promotions.ts';
import { joinColumns, latencyTimeline, Recorder, type TSummary } from './recorder.ts';
import { startServing } from './serving-process.ts';
import { API_KEY, setUpBench, TOKEN_SECRET } from './setup.ts';

const { values: a } = parseArgs({
  options: {
    rate: { type: 'string', default: '800' },
    duration: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '64' },
    step: { type: 'string', default: '8' },
    workers: { type: 'string' },
    'no-console': { type: 'boolean', default: false },
    'redis-db': { type: 'string', default: '12' },
    results: { type: 'string' },
    // Diagnosis: NODE_OPTIONS added to serving's (e.g. --trace-gc, into out/serving-batch.log), and the
    // open loop's latency per 250 ms written to a file (when the tail happens, against the serving log).
    'serving-node-options': { type: 'string' },
    'serving-env': { type: 'string' },
    timeline: { type: 'string' },
  },
});
const RATE = Number(a.rate);
const servingEnv = Object.fromEntries(
  (a['serving-env'] ?? '')
    .split(',')
    .filter(Boolean)
    .map((pair) => {
      const at = pair.indexOf('=');
      if (at < 1) throw new Error(`--serving-env: "${pair}" is not NAME=VALUE`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
);
const DURATION_S = Number(a.duration);
const CONCURRENCY = Number(a.concurrency);
const STEP_S = Number(a.step);
const ROOT = path.resolve(import.meta.dirname, '../..');
const log = (line: string) => process.stderr.write(`[everything] ${line}\n`);

async function startTrainer(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; stop(): Promise<void> }> {
  const port = await freePort();
  const workDir = mkdtempSync(path.join(tmpdir(), 'acsa-bench-trainer-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/trainer/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env, TRAINER_PORT: String(port), TRAINER_WORK_DIR: workDir },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d) => {
    err = (err + d).slice(-4000);
  });
  const deadline = Date.now() + 90_000;
  while (
    !(await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`the trainer did not start:\n${err}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    child,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

async function startFloor(databaseUrl: string, redisUrl: string) {
  const port = await freePort();
  const child = fork(
    path.join(import.meta.dirname, 'floor-server.mjs'),
    [String(port), databaseUrl, redisUrl],
    {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`floor server exited ${code}`)));
  });
  return {
    port,
    pid: child.pid ?? 0,
    stop: () =>
      new Promise<void>((r) => {
        child.once('exit', () => r());
        child.kill('SIGTERM');
      }),
  };
}

const fmt = (s: TSummary) =>
  `${s.turnsPerS.toFixed(0)} turns/s, p50 ${s.latency.p50.toFixed(1)} ms, p99 ${s.latency.p99.toFixed(1)} ms, ${s.turns - s.ok} errors`;

const { databaseUrl: serverUrl, redisUrl: redisBase } = testServiceUrls();
const bench = await setUpBench({ serverUrl, redisBaseUrl: redisBase, redisDb: Number(a['redis-db']), log });
const dbName = new URL(bench.databaseUrl).pathname.slice(1);
const source = conversationSource({ orders: bench.orders, tokenSecret: TOKEN_SECRET });
const lines: string[] = [];
const children: { stop(): Promise<void> | void }[] = [];
try {
  // 1. The floor, alone (nothing else of ours running).
  const floor = await startFloor(bench.databaseUrl, bench.redisUrl);
  const floorClient = new ChatClient(floor.port, API_KEY, { maxSockets: 1_024 });
  await closedLoop({
    client: floorClient,
    pool: new ConversationPool(source, CONCURRENCY * 2),
    recorder: new Recorder(),
    concurrency: CONCURRENCY,
    durationS: 2,
  });
  const floorRec = new Recorder();
  const stopFloor = meter([
    { name: 'floor server', pids: () => [floor.pid] },
    { name: 'PostgreSQL (this database)', pids: pgBackends(dbName) },
    { name: 'Redis', pids: () => pidsByName('redis-server') },
  ]);
  await closedLoop({
    client: floorClient,
    pool: new ConversationPool(source, CONCURRENCY * 2),
    recorder: floorRec,
    concurrency: CONCURRENCY,
    durationS: STEP_S,
  });
  const floorCpu = stopFloor();
  floorClient.close();
  await floor.stop();
  const floorS = floorRec.summary();
  log(
    `floor (Fastify + Redis GET/SET + INSERT, 1 process), closed ×${CONCURRENCY}: ${fmt(floorS)} (load ${loadAverages()})`,
  );

  // 2. The product as `npm start` runs it.
  const workers = a.workers ? Number(a.workers) : defaultWorkers();
  if (!a['no-console']) {
    log('building the console (skipped when its build is current)');
    buildConsole();
  }
  await promote(bench, bench.versions[0]);
  const serving = await startServing({
    databaseUrl: bench.databaseUrl,
    redisUrl: bench.redisUrl,
    port: await freePort(),
    workers,
    microbatch: true,
    tokenSecret: TOKEN_SECRET,
    // As shipped: serving's own defaults for the worker count and the log level.
    extraEnv: {
      LOG_LEVEL: 'info',
      ...servingEnv,
      ...(a['serving-node-options']
        ? { NODE_OPTIONS: `${SERVING_NODE_OPTIONS} ${a['serving-node-options']}` }
        : {}),
    },
  });
  children.push(serving);
  const servingWorkers = serving.workers();
  log(`serving: ${servingWorkers.length} worker(s)`);
  const trainer = await startTrainer({
    NODE_ENV: 'production',
    DATABASE_URL: bench.databaseUrl,
    REDIS_URL: bench.redisUrl,
  });
  children.push(trainer);
  let consoleChild: ChildProcess | null = null;
  if (!a['no-console']) {
    consoleChild = await startConsole({
      databaseUrl: bench.databaseUrl,
      port: await freePort(),
      queuePrefix: 'acsa:bull',
    });
    children.push({ stop: () => stopConsole(consoleChild as ChildProcess) });
  }
  const groups: TGroup[] = [
    { name: 'serving (primary)', pids: () => (servingWorkers.length > 1 ? [serving.primary] : []) },
    { name: 'serving (workers)', pids: () => serving.workers() },
    { name: 'trainer (with analytics)', pids: () => tree(trainer.child.pid ?? 0) },
    ...(consoleChild ? [{ name: 'console', pids: () => tree(consoleChild?.pid ?? 0) }] : []),
    { name: 'PostgreSQL (this database)', pids: pgBackends(dbName) },
    { name: 'Redis', pids: () => pidsByName('redis-server') },
  ];
  const client = new ChatClient(serving.port, API_KEY, { maxSockets: 1_024 });
  log(`warm-up 3 s at ${RATE} turns/s`);
  await openLoop({
    client,
    pool: new ConversationPool(source, 256),
    recorder: new Recorder(),
    rate: RATE,
    durationS: 3,
  });
  await new Promise((r) => setTimeout(r, 2_000));
  const openRec = new Recorder();
  const timeline = a.timeline ? latencyTimeline(openRec) : null;
  const cpuLine = a.timeline ? cpuTimeline(groups) : null;
  const stopOpen = meter(groups);
  await openLoop({
    client,
    pool: new ConversationPool(source, 256),
    recorder: openRec,
    rate: RATE,
    durationS: DURATION_S,
  });
  // What analytics still has to do for these turns is part of their cost: wait for it to be recorded.
  await new Promise((r) => setTimeout(r, 1_500));
  const open = stopOpen();
  if (a.timeline && timeline && cpuLine) writeFileSync(a.timeline, joinColumns(timeline(), cpuLine()));
  const openS = openRec.summary();
  const loadOpen = loadAverages();
  log(`open loop ${RATE}/s: ${fmt(openS)} (load ${loadOpen})`);
  await new Promise((r) => setTimeout(r, 2_000));
  const satRec = new Recorder();
  const stopSat = meter(groups);
  await closedLoop({
    client,
    pool: new ConversationPool(source, CONCURRENCY * 2),
    recorder: satRec,
    concurrency: CONCURRENCY,
    durationS: STEP_S,
  });
  const sat = stopSat();
  const satS = satRec.summary();
  const loadSat = loadAverages();
  log(`saturation closed ×${CONCURRENCY}: ${fmt(satS)} (load ${loadSat})`);
  client.close();

  const ratio = satS.turnsPerS / floorS.turnsPerS;
  const perTurn = (cpuS: number, turns: number) => (1000 * cpuS) / Math.max(1, turns);
  const total = (m: { busyS: number }, turns: number) => perTurn(m.busyS, turns);
  const servingSat = sat.rows
    .filter((r) => r.name.startsWith('serving'))
    .reduce((sum, r) => sum + perTurn(r.cpuS, satS.ok), 0);
  const floorTotal = total(floorCpu, floorS.ok);
  const busyShare = (m: { busyS: number }, seconds: number) =>
    `${((100 * m.busyS) / seconds / cpus().length).toFixed(0)} %`;
  lines.push(
    `## Everything running — ${new Date().toISOString()}`,
    '',
    `Serving (${servingWorkers.length} worker${servingWorkers.length === 1 ? '' : 's'}${a.workers ? ', --workers' : ', its default'}, micro-batching on, LOG_LEVEL info), the trainer (analytics, drift, schedulers), ${consoleChild ? 'the console (next start), ' : ''}PostgreSQL, Redis and this generator on ${cpus().length} cores (${availableParallelism()} available); \`npx tsx bench/serving/everything.ts ${process.argv.slice(2).join(' ')}\`.`,
    '',
    `| run | turns/s | p50 (ms) | p99 (ms) | errors | load average |`,
    `|---|---:|---:|---:|---:|---|`,
    `| floor: Fastify + Redis GET/SET + INSERT, 1 process, closed ×${CONCURRENCY} | ${floorS.turnsPerS.toFixed(0)} | ${floorS.latency.p50.toFixed(1)} | ${floorS.latency.p99.toFixed(1)} | ${floorS.turns - floorS.ok} | |`,
    `| product, open loop ${RATE}/s for ${DURATION_S} s | ${openS.turnsPerS.toFixed(0)} | ${openS.latency.p50.toFixed(1)} | **${openS.latency.p99.toFixed(1)}** | ${openS.turns - openS.ok} | ${loadOpen} |`,
    `| product, closed ×${CONCURRENCY} (saturation) | ${satS.turnsPerS.toFixed(0)} | ${satS.latency.p50.toFixed(1)} | ${satS.latency.p99.toFixed(1)} | ${satS.turns - satS.ok} | ${loadSat} |`,
    '',
    // Latency runs from each turn's scheduled send, so a late generator (its own GC, a busy core) counts
    // against the product: its lag tells a slow product from a slow generator.
    `The generator sent its turns at ${RATE}/s with a lag of p99 ${openS.sendLag.p99.toFixed(1)} ms, max ${openS.sendLag.max.toFixed(1)} ms (counted in the latency above).`,
    '',
    `Saturation: **${ratio.toFixed(2)}** of the floor.`,
    '',
    // Where the ratio goes: what each request costs the whole machine in the floor against what a turn costs
    // at saturation. Serving's workers alone bound the ratio from above: even if PostgreSQL, Redis, the
    // trainer and the generator cost nothing, the machine's CPU per floor request is all a turn could spend.
    `CPU per answered request at saturation, closed ×${CONCURRENCY} (machine busy: floor ${busyShare(floorCpu, STEP_S)}, product ${busyShare(sat, STEP_S)} of ${cpus().length} cores):`,
    '',
    '| process | floor: CPU ms per request | product: CPU ms per turn |',
    '|---|---:|---:|',
    ...sat.rows.map((r) => {
      const f = floorCpu.rows.find((x) => x.name === r.name);
      return `| ${r.name} | ${f ? perTurn(f.cpuS, floorS.ok).toFixed(3) : '—'} | ${perTurn(r.cpuS, satS.ok).toFixed(3)} |`;
    }),
    `| floor server | ${perTurn(floorCpu.rows[0]?.cpuS ?? 0, floorS.ok).toFixed(3)} | — |`,
    `| **the whole machine** | **${floorTotal.toFixed(3)}** | **${total(sat, satS.ok).toFixed(3)}** |`,
    '',
    `Serving's workers alone take ${servingSat.toFixed(3)} ms of CPU per turn, ${(servingSat / floorTotal).toFixed(2)}× what the whole machine spends on a floor request: with everything else free, saturation could reach at most ${(floorTotal / servingSat).toFixed(2)} of the floor (CPU-bound; ${(floorTotal / total(sat, satS.ok)).toFixed(2)} with the rest as measured).`,
    '',
    `CPU per turn in the open loop (${openS.ok} turns answered; machine busy ${((100 * open.busyS) / (open.rows.length ? DURATION_S + 1.5 : 1) / cpus().length).toFixed(0)} % of ${cpus().length} cores):`,
    '',
    '| process | CPU ms per turn | share of the CPU used | peak RSS (MB) |',
    '|---|---:|---:|---:|',
    ...open.rows.map(
      (r) =>
        `| ${r.name} | ${((1000 * r.cpuS) / Math.max(1, openS.ok)).toFixed(3)} | ${((100 * r.cpuS) / Math.max(1e-9, open.busyS)).toFixed(0)} % | ${r.peakRssMb ? r.peakRssMb.toFixed(0) : '—'} |`,
    ),
    '',
  );
  const text = lines.join('\n');
  console.log(`\n${text}`);
  if (a.results) {
    mkdirSync(path.dirname(a.results), { recursive: true });
    appendFileSync(a.results, `${text}\n`);
    log(`appended to ${a.results}`);
  }
} finally {
  for (const c of children.reverse()) await Promise.resolve(c.stop()).catch(() => undefined);
  await bench.close().catch(() => undefined);
}
