/**
 * Load benchmark of the serving API (run on purpose: `npx tsx bench/serving/run.ts [options]`).
 * Stands up its own database (full demo shop), two registered model versions and serving as a real process
 * tree, then replays many concurrent multi-turn conversations: open loop at steady offered rates, closed
 * loop to saturation, both with micro-batching on and off, and promotions under load. Writes
 * bench/serving/results/<date>.md and prints it. Options: see USAGE.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { testServiceUrls } from '@acsa/db/testing';
import { ChatClient } from './chat-client.ts';
import { conversationSource } from './conversations.ts';
import { ConversationPool, closedLoop, openLoop } from './load.ts';
import { startMeter } from './meter.ts';
import { freePort, loadAverages } from './proc-stats.ts';
import { summarize } from './profile-summary.ts';
import { promote, promotionsUnderLoad } from './promotions.ts';
import { Recorder } from './recorder.ts';
import { markdown, type TReport } from './report.ts';
import { OUT_DIR, startServing, type TServingProcess } from './serving-process.ts';
import { API_KEY, setUpBench, TOKEN_SECRET } from './setup.ts';
import { WorkerProbes } from './worker-probes.ts';

const USAGE = `npx tsx bench/serving/run.ts [--workers 1] [--rate 800,2000] [--duration 20] [--sessions 256]
  [--saturation 8,16,32,64,128] [--step 5] [--promotions 10] [--promotion-interval 2] [--promotion-rate R]
  [--no-batching-compare]
  [--warmup 3] [--cpu-prof] [--redis-db 12] [--results FILE]`;

const { values: a } = parseArgs({
  options: {
    /**
     * One serving process by default: on this 2-core machine PostgreSQL, Redis and the generator need the
     * other core, and one process batches more per event-loop turn (measured: less CPU per turn, a lower p99).
     */
    workers: { type: 'string', default: '1' },
    rate: { type: 'string', default: '800,2000' },
    duration: { type: 'string', default: '20' },
    sessions: { type: 'string', default: '256' },
    saturation: { type: 'string', default: '8,16,32,64,128' },
    step: { type: 'string', default: '5' },
    promotions: { type: 'string', default: '10' },
    'promotion-interval': { type: 'string', default: '2' },
    /** Offered rate during the promotions; the first --rate by default. */
    'promotion-rate': { type: 'string' },
    'no-batching-compare': { type: 'boolean', default: false },
    warmup: { type: 'string', default: '3' },
    'cpu-prof': { type: 'boolean', default: false },
    'redis-db': { type: 'string', default: '12' },
    /** Where the Markdown goes; results/<date>.md by default. */
    results: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (a.help) {
  console.log(USAGE);
  process.exit(0);
}
const list = (s: string) =>
  s
    .split(',')
    .map(Number)
    .filter((n) => n > 0);
const opt = {
  workers: Number(a.workers),
  rates: list(a.rate),
  durationS: Number(a.duration),
  sessions: Number(a.sessions),
  saturation: list(a.saturation),
  stepS: Number(a.step),
  promotions: Number(a.promotions),
  intervalS: Number(a['promotion-interval']),
  modes: a['no-batching-compare'] ? [true] : [true, false],
  warmupS: Number(a.warmup),
};
const log = (line: string) => process.stderr.write(`${line}\n`);
const load1 = loadAverages;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The main-thread profile of each worker (tid 0), summarised by package: where a worker's CPU went. */
function profileNotes(label: string, batching: boolean): string[] {
  const dir = path.join(OUT_DIR, `prof-${label}`);
  const files = readdirSync(dir).filter((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f));
  const sized = files.map((f) => ({ f, s: summarize(JSON.parse(readFileSync(path.join(dir, f), 'utf8'))) }));
  // The busiest main threads are the workers (the primary only hands out connections).
  return sized
    .sort((x, y) => y.s.totalMs - x.s.totalMs)
    .slice(0, opt.workers)
    .map(({ f, s }) => {
      const top = s.groups
        .slice(0, 12)
        .map(([g, ms]) => `${g} ${((100 * ms) / s.totalMs).toFixed(0)}%`)
        .join(', ');
      const fns = s.fns
        .slice(0, 6)
        .map(([fn, ms]) => `\`${fn.split(' ')[0]}\` ${((100 * ms) / s.totalMs).toFixed(0)}%`)
        .join(', ');
      return `CPU profile, micro-batching ${batching ? 'on' : 'off'}, ${f} (${(s.totalMs / 1000).toFixed(0)} s busy, whole life incl. start-up): by package ${top}; top functions ${fns}. Details: \`npx tsx bench/serving/profile-summary.ts bench/serving/out/prof-${label}/${f}\`.`;
    });
}

const settleNotes: string[] = [];
/** Between phases: a short pause, then until every worker answers promptly again. */
async function settle(probes: WorkerProbes, mode: string): Promise<void> {
  await pause(1_000);
  const waited = await probes.settle();
  if (waited < 0 || waited > 1_000)
    settleNotes.push(`${mode}: ${waited < 0 ? 'over 60 s' : `${(waited / 1000).toFixed(0)} s`}`);
}

const startedAt = new Date();
const loadAtStart = load1();
const { databaseUrl: serverUrl, redisUrl } = testServiceUrls();
const bench = await setUpBench({ serverUrl, redisBaseUrl: redisUrl, redisDb: Number(a['redis-db']), log });
let serving: TServingProcess | null = null;
process.once('SIGINT', () => {
  log('interrupted: stopping serving and dropping the bench database');
  void (serving?.stop() ?? Promise.resolve()).then(() => bench.close()).finally(() => process.exit(130));
});

const source = conversationSource({ orders: bench.orders, tokenSecret: TOKEN_SECRET });
const report: TReport = { header: [], open: [], closed: [], promotions: null, notes: [] };
const newRun = (size = opt.sessions) => ({
  pool: new ConversationPool(source, size),
  recorder: new Recorder(),
});

try {
  for (const batching of opt.modes) {
    // Each mode starts from the same production version, whatever the promotions left.
    await promote(bench, bench.versions[0]);
    log(
      `starting serving: ${opt.workers} worker${opt.workers === 1 ? '' : 's'}, micro-batching ${batching ? 'on' : 'off'}`,
    );
    const label = batching ? 'batch' : 'nobatch';
    rmSync(path.join(OUT_DIR, `prof-${label}`), { recursive: true, force: true });
    serving = await startServing({
      databaseUrl: bench.databaseUrl,
      redisUrl: bench.redisUrl,
      port: await freePort(),
      workers: opt.workers,
      microbatch: batching,
      tokenSecret: TOKEN_SECRET,
      ...(a['cpu-prof'] ? { cpuProfile: label } : {}),
    });
    const client = new ChatClient(serving.port, API_KEY, { maxSockets: 1_024 });
    let probes: WorkerProbes | null = null;
    try {
      probes = await WorkerProbes.open(serving.port, serving.workers);
      log(`  warm-up ${opt.warmupS} s at ${opt.rates[0]} turns/s`);
      await openLoop({ client, ...newRun(), rate: opt.rates[0] ?? 100, durationS: opt.warmupS });
      for (const rate of opt.rates) {
        await settle(probes, `${batching ? 'on' : 'off'}`);
        const { pool, recorder } = newRun();
        const stop = await startMeter(serving, bench.prisma);
        await openLoop({ client, pool, recorder, rate, durationS: opt.durationS });
        const s = recorder.summary();
        report.open.push({ batching, rate, s, r: await stop(), overflow: pool.overflow });
        log(
          `  open ${rate}/s: ${s.turnsPerS.toFixed(0)}/s p99 ${s.latency.p99.toFixed(1)} ms, ${s.turns - s.ok} errors`,
        );
      }
      for (const concurrency of opt.saturation) {
        await settle(probes, `${batching ? 'on' : 'off'}`);
        const { pool, recorder } = newRun(Math.max(opt.sessions, concurrency * 2));
        const stop = await startMeter(serving, bench.prisma);
        await closedLoop({ client, pool, recorder, concurrency, durationS: opt.stepS });
        const s = recorder.summary();
        report.closed.push({ batching, concurrency, s, r: await stop() });
        log(`  closed ×${concurrency}: ${s.turnsPerS.toFixed(0)}/s p99 ${s.latency.p99.toFixed(1)} ms`);
      }
      if (batching && opt.promotions > 0) {
        await settle(probes, `${batching ? 'on' : 'off'}`);
        const rate = Number(a['promotion-rate'] ?? opt.rates[0] ?? 800);
        const { pool, recorder } = newRun();
        const stop = await startMeter(serving, bench.prisma);
        const promotions = await promotionsUnderLoad({
          bench,
          probes,
          client,
          pool,
          recorder,
          rate,
          count: opt.promotions,
          intervalS: opt.intervalS,
        });
        report.promotions = { rate, s: recorder.summary(), r: await stop(), promotions };
        log(`  ${opt.promotions} promotions done`);
      }
    } finally {
      client.close();
      probes?.close();
      await serving.stop();
      serving = null;
    }
    if (a['cpu-prof']) report.notes.push(...profileNotes(label, batching));
  }
} finally {
  await bench.close();
}

const commit = (() => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
})();
const overflow = report.open.reduce((s, r) => s + r.overflow, 0);
const dirty = (() => {
  try {
    return (
      execFileSync('git', ['status', '--porcelain', 'apps/serving', 'packages'], {
        encoding: 'utf8',
      }).trim() !== ''
    );
  } catch {
    return false;
  }
})();
report.header = [
  `# Serving load benchmark, ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  '',
  `\`npx tsx bench/serving/run.ts ${process.argv.slice(2).join(' ')}\`; commit ${commit}${dirty ? ' (with uncommitted changes to apps/serving or packages)' : ''}; ` +
    `${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}. ` +
    `Generator, serving, PostgreSQL and Redis all on this machine.`,
  '',
  `Serving: ${opt.workers} worker${opt.workers === 1 ? '' : 's'} (\`SERVING_WORKERS\`), full demo shop (2,400 customers, 10,500 orders), ` +
    `production = bootstrap student int8; promotions alternate it with the fp32 student of the same run. ` +
    `${opt.sessions} conversations in progress at a time (each turn waits for the previous answer of its session); ` +
    `mix: guests tracking an order via number + email (25%), signed-in customers with a customerToken (15%), ` +
    `cancellations answered "no" (10%), FAQ (20%), out-of-scope → escalation (8%), asking for a person (4%), ` +
    `free text in unseen phrasings (18%).`,
  '',
  `Load average (1, 5, 15 min) at start: ${loadAtStart}; at end: ${load1()}. The machine was shared with other work; ` +
    `the “other” CPU column is what the rest of the machine used during each phase.`,
];
report.notes.push(
  'Latency is measured by the generator, from each turn’s scheduled send time to its full answer (open loop), or from its send (closed loop); generator lag is how late the generator itself sent turns.',
  `Peak RSS: VmHWM of each process, reset at the start of each phase, so it is that phase’s peak (generator included); the generator’s peak over its whole run, seeding the shop included, was ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (process.resourceUsage().maxRSS).`,
  'CPU ms/turn: CPU seconds each group used during the phase divided by answered turns; pg = backends of the bench database, redis = the Redis server (shared).',
  `Wrong replies: scripted turns whose reply lacked what the conversation's state should produce (e.g. the order's status after number + email). Conversations started beyond the pool because all were awaiting answers: ${overflow}.`,
);
if (settleNotes.length)
  report.notes.push(
    `After an overloaded phase serving went on working off requests whose clients had given up (it does not cancel them); the next phase waited for every worker to answer /readyz within 100 ms again (micro-batching ${settleNotes.join(', ')}).`,
  );
const text = markdown(report);
const dir = path.join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
const file = a.results
  ? path.resolve(a.results)
  : path.join(dir, `${startedAt.toISOString().slice(0, 10)}.md`);
writeFileSync(file, text);
console.log(text);
log(`written to ${path.relative(process.cwd(), file)}`);
process.exit(0);
