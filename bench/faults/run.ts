/**
 * Faults under load (run on purpose): an open loop of multi-turn conversations against serving as
 * production runs it (2 cluster workers), with the trainer's analytics consumer running, while, in turn:
 * Redis is SIGKILLed for 10 s and restarted empty; PostgreSQL goes away for 10 s (a TCP relay in front of it
 * is cut: every connection reset and new ones refused, as an immediate-mode stop looks from serving) and
 * comes back; (with `--faults …,postgres-silent`) PostgreSQL stops answering for 10 s without closing anything
 * (the relay drops every byte, as a failover whose old address drops packets) and is heard again; one serving
 * worker is SIGKILLed; (with `--faults …,trainer`) the trainer is SIGKILLed in the
 * middle of a retraining run and another started. For each: turns acknowledged (200), stored in PostgreSQL
 * afterwards (per session), lost, refused (503), other failures, recovery time, p99 before/during/after,
 * and whether every stored turn's interaction event reached analytics once the outbox drained.
 *
 *   npx tsx bench/faults/run.ts [--rate 200] [--warmup 5] [--before 5] [--fault 10] [--after 10] [--faults redis,postgres,worker]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '@acsa/core/logger';
import { tcpRelay, testServiceUrls } from '@acsa/db/testing';
import { Redis } from 'ioredis';

import { startAnalytics } from '../../apps/trainer/src/analytics/analytics-worker.ts';
import { ChatClient } from '../serving/chat-client.ts';
import { conversationSource, type TConversation } from '../serving/conversations.ts';
import { ConversationPool, openLoop } from '../serving/load.ts';
import { freePort, loadAverages } from '../serving/proc-stats.ts';
import { promote } from '../serving/promotions.ts';
import type { Recorder, TSample } from '../serving/recorder.ts';
import { percentiles } from '../serving/recorder.ts';
import { startServing } from '../serving/serving-process.ts';
import { API_KEY, setUpBench, TOKEN_SECRET } from '../serving/setup.ts';
import { trainerFault } from './trainer-fault.ts';

const { values: a } = parseArgs({
  options: {
    rate: { type: 'string', default: '200' },
    before: { type: 'string', default: '5' },
    fault: { type: 'string', default: '10' },
    after: { type: 'string', default: '10' },
    faults: { type: 'string', default: 'redis,postgres,worker' },
    sessions: { type: 'string', default: '256' },
    /** Seconds of load before the first fault's phase: a cold serving (JIT, caches) is not a fault. */
    warmup: { type: 'string', default: '5' },
    results: { type: 'string' },
  },
});
const RATE = Number(a.rate);
const [BEFORE, FAULT, AFTER] = [Number(a.before), Number(a.fault), Number(a.after)];
/** Turns stored this long ago with no event in analytics are recorded from PostgreSQL (product: 120 s). */
const RECONCILE_GRACE_S = 20;
const log = (line: string) => console.log(`[faults] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = loadAverages;

/** A redis-server of the bench's own, without persistence: killing it loses everything, as asked. */
async function ownRedis(port: number): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  for (let i = 0; i < 100; i++) {
    if (
      await probe.connect().then(
        () => true,
        () => false,
      )
    )
      break;
    await sleep(50);
  }
  probe.disconnect();
  return { proc, url };
}

type TFaultRow = {
  fault: string;
  offered: number;
  acknowledged: number;
  stored: number;
  lost: number;
  refused503: number;
  failed: Record<string, number>;
  recoveryS: number | null;
  p99: { before: number; during: number; after: number };
  refusedP99Ms: number;
  eventsMissing: number | null;
  /** p99 (ms) of the turns due in each second of the phase, and when (epoch ms) it started. */
  bySecond: number[];
  startedAtMs: number;
};

async function main() {
  const { databaseUrl: serverUrl } = testServiceUrls();
  const redisPort = await freePort();
  let redis = await ownRedis(redisPort);
  log(
    `own redis-server on :${redisPort} (pid ${redis.proc.pid}); load average ${load()} on ${cpus().length} cores`,
  );
  const bench = await setUpBench({ serverUrl, redisBaseUrl: redis.url, redisDb: 0, log });
  await promote(bench, bench.versions[0]);
  const proxy = await tcpRelay(bench.databaseUrl);
  // Serving's Redis through a relay too, for `redis-silent`; the relay dials upstream per connection, so a
  // Redis killed and restarted on its port is reached again as directly.
  const redisProxy = await tcpRelay(bench.redisUrl);
  const port = await freePort();
  const serving = await startServing({
    databaseUrl: proxy.url(),
    redisUrl: redisProxy.url(),
    port,
    workers: 2,
    microbatch: true,
    tokenSecret: TOKEN_SECRET,
  });
  log(`serving on :${port}, workers ${serving.workers().join(', ')}; its database and Redis through relays`);
  const analyticsRedis = new Redis(bench.redisUrl, { maxRetriesPerRequest: null });
  analyticsRedis.on('error', () => undefined);
  const analytics = startAnalytics({
    prisma: bench.prisma,
    connection: analyticsRedis,
    prefix: 'acsa:bull',
    logger: createLogger({ name: 'analytics', level: 'silent' }),
    // The product checks every minute for turns stored 2 minutes ago whose event never arrived; the bench
    // waits less for the same check.
    reconcile: { everyMs: 5_000, graceMs: RECONCILE_GRACE_S * 1_000 },
  });
  const client = new ChatClient(port, API_KEY, { maxSockets: 64, timeoutMs: 10_000 });
  const rows: TFaultRow[] = [];
  const sessionsOf = new Map<TFaultRow, string[]>();
  if (Number(a.warmup) > 0) {
    log(`warm-up: ${a.warmup} s at ${RATE} turns/s`);
    const warm = conversationSource({ orders: bench.orders, tokenSecret: TOKEN_SECRET, seed: 7 });
    await openLoop({
      client,
      pool: new ConversationPool(warm, Number(a.sessions)),
      recorder: { add() {} } as unknown as Recorder,
      rate: RATE,
      durationS: Number(a.warmup),
    });
    await sleep(2_000);
  }

  const wanted = (a.faults ?? '').split(',').filter(Boolean);
  const trainer = wanted.includes('trainer')
    ? await trainerFault({
        prisma: bench.prisma,
        connection: analyticsRedis,
        databaseUrl: bench.databaseUrl,
        redisUrl: bench.redisUrl,
        port: freePort,
      })
    : null;
  const faults: Record<string, { prepare?(): Promise<void>; start(): Promise<void>; end(): Promise<void> }> =
    {
      redis: {
        async start() {
          redis.proc.kill('SIGKILL');
        },
        async end() {
          redis = await ownRedis(redisPort);
        },
      },
      postgres: { start: () => proxy.cut(), end: () => proxy.restore() },
      // Connections stay open and nothing answers (a failover whose old address drops packets); after it
      // they are gone and new ones are answered, as from the promoted server.
      'postgres-silent': { start: async () => proxy.silence(), end: async () => proxy.hear() },
      // The same for Redis: its connections stay open and nothing answers.
      'redis-silent': { start: async () => redisProxy.silence(), end: async () => redisProxy.hear() },
      worker: {
        async start() {
          const [victim] = serving.workers();
          if (victim) process.kill(victim, 'SIGKILL');
          log(`SIGKILLed worker ${victim}`);
        },
        async end() {},
      },
      ...(trainer
        ? {
            trainer: {
              prepare: () => trainer.prepare(),
              start: () => trainer.start(),
              end: () => trainer.end(),
            },
          }
        : {}),
    };

  let trainerRun: Awaited<ReturnType<NonNullable<typeof trainer>['outcome']>> | null = null;
  for (const name of wanted) {
    const fault = faults[name];
    if (!fault) throw new Error(`no fault ${name}`);
    await fault.prepare?.();
    const samples: TSample[] = [];
    const acked = new Map<string, number>();
    const sessions = new Set<string>();
    const recorder = {
      add(s: TSample, _turn: unknown, c: TConversation) {
        samples.push(s);
        sessions.add(c.sessionId);
        if (s.reply.status === 200 && !s.reply.error)
          acked.set(c.sessionId, (acked.get(c.sessionId) ?? 0) + 1);
      },
    } as unknown as Recorder;
    const pool = new ConversationPool(
      conversationSource({ orders: bench.orders, tokenSecret: TOKEN_SECRET, seed: rows.length + 11 }),
      Number(a.sessions),
    );
    const t0 = performance.now();
    const t0Wall = Date.now();
    let faultAt = 0;
    let endAt = 0;
    const schedule = (async () => {
      await sleep(BEFORE * 1000);
      faultAt = performance.now();
      await fault.start();
      await sleep(FAULT * 1000);
      await fault.end();
      endAt = performance.now();
    })();
    log(
      `${name}: ${RATE} turns/s for ${BEFORE + FAULT + AFTER} s, fault at ${BEFORE} s for ${FAULT} s; load ${load()}`,
    );
    await openLoop({ client, pool, recorder, rate: RATE, durationS: BEFORE + FAULT + AFTER });
    await schedule;

    const phase = (s: TSample) =>
      s.scheduled < faultAt ? 'before' : s.scheduled < endAt ? 'during' : 'after';
    // NaN for a phase no turn was due in (printed "—"): the trainer's restart can outlast the load.
    const p99 = (p: string) => {
      const due = samples.filter((s) => phase(s) === p);
      return due.length
        ? percentiles(Float64Array.from(due.map((s) => s.done - s.scheduled))).p99
        : Number.NaN;
    };
    const failed: Record<string, number> = {};
    for (const s of samples)
      if (s.reply.status !== 200 && s.reply.status !== 503) {
        const k =
          s.reply.status === 0
            ? ((s.reply.error ?? 'network').split(' (')[0] ?? 'network')
            : String(s.reply.status);
        failed[k] = (failed[k] ?? 0) + 1;
      }
    // Recovery: from the end of the fault (or the kill, for a worker) to the last non-200 answer after it.
    const from = name === 'worker' ? faultAt : endAt;
    const lastBad = samples
      .filter((s) => s.scheduled >= from && (s.reply.status !== 200 || s.reply.error))
      .reduce((m, s) => Math.max(m, s.done), from);
    const refused = samples.filter((s) => s.reply.status === 503);

    // Every acknowledged turn must be in PostgreSQL (counted per session: the reply carries no message id).
    const stored = await bench.prisma.$queryRawUnsafe<{ sessionId: string; n: number }[]>(
      `SELECT c."sessionId", count(*)::int AS n FROM "Message" m JOIN "Conversation" c ON c.id = m."conversationId"
        WHERE m.role = 'USER' AND c."sessionId" = ANY($1) GROUP BY 1`,
      [...acked.keys()],
    );
    const storedBy = new Map(stored.map((r) => [r.sessionId, r.n]));
    let lost = 0;
    for (const [session, n] of acked) lost += Math.max(0, n - (storedBy.get(session) ?? 0));
    const row: TFaultRow = {
      fault: name,
      offered: samples.length,
      acknowledged: [...acked.values()].reduce((x, y) => x + y, 0),
      stored: stored.reduce((x, r) => x + r.n, 0),
      lost,
      refused503: refused.length,
      failed,
      recoveryS: lastBad > from ? (lastBad - from) / 1000 : 0,
      p99: { before: p99('before'), during: p99('during'), after: p99('after') },
      refusedP99Ms: percentiles(Float64Array.from(refused.map((s) => s.done - s.sent))).p99,
      eventsMissing: null,
      bySecond: Array.from({ length: BEFORE + FAULT + AFTER }, (_, i) => {
        const due = samples.filter((x) => x.scheduled >= t0 + i * 1000 && x.scheduled < t0 + (i + 1) * 1000);
        return due.length ? percentiles(Float64Array.from(due.map((x) => x.done - x.scheduled))).p99 : 0;
      }),
      startedAtMs: t0Wall,
    };
    rows.push(row);
    sessionsOf.set(row, [...sessions]);
    log(
      `${name}: ${JSON.stringify(row)} (t ${((performance.now() - t0) / 1000).toFixed(0)} s, load ${load()})`,
    );
    // Faults in turn: the next one starts once the interrupted run has ended. On a slow machine its second
    // attempt was still training when Redis was killed and restarted empty, which took the run's jobs with it.
    if (name === 'trainer' && trainer) {
      trainerRun = await trainer.outcome();
      log(`trainer: the interrupted run ended ${trainerRun.status}`);
    }
    await sleep(3_000);
  }

  const run = trainerRun ?? (trainer ? await trainer.outcome() : null);
  if (run) log(`trainer: the interrupted run ${JSON.stringify(run)}`);
  // The outbox drains (serving relays every 2 s) and analytics records every stored turn's event.
  log('waiting for the outbox to drain and analytics to record every stored turn');
  let missing = -1;
  for (let i = 0; i < 180; i++) {
    const [r] = await bench.prisma.$queryRawUnsafe<{ missing: number; outbox: number }[]>(
      `SELECT (SELECT count(*)::int FROM "Message" m LEFT JOIN "InteractionReceipt" r ON r."messageId" = m.id
                WHERE m.role = 'USER' AND r."messageId" IS NULL) AS missing,
              (SELECT count(*)::int FROM "EventOutbox") AS outbox`,
    );
    missing = r?.missing ?? -1;
    if (missing === 0 && r?.outbox === 0) break;
    await sleep(1_000);
  }
  // Per fault: its sessions' stored turns whose event analytics never recorded.
  for (const row of rows) {
    const [r] = await bench.prisma.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM "Message" m JOIN "Conversation" c ON c.id = m."conversationId"
         LEFT JOIN "InteractionReceipt" r ON r."messageId" = m.id
        WHERE m.role = 'USER' AND r."messageId" IS NULL AND c."sessionId" = ANY($1)`,
      sessionsOf.get(row) ?? [],
    );
    row.eventsMissing = r?.n ?? null;
  }

  const lines = [
    `# Faults under load — ${new Date().toISOString()}`,
    '',
    `${RATE} turns/s open loop (multi-turn conversations, bench/serving's mix), serving with 2 workers, analytics consuming; ` +
      `per fault ${BEFORE} s before, ${FAULT} s of fault, ${AFTER} s after. Load average at the end: ${load()} on ${cpus().length} cores. ` +
      "PostgreSQL faults: a TCP relay in front of it is cut (`postgres`: every connection reset, new ones refused) or goes silent (`postgres-silent`: connections kept open, every byte dropped, new ones never answered) — the machine's PostgreSQL is shared.",
    '',
    '| fault | offered | acknowledged (200) | stored | lost | refused (503) | other failures | recovery (s) | p99 before / during / after (ms) | 503 answered in (p99, ms) | events not in analytics |',
    '|---|---:|---:|---:|---:|---:|---|---:|---|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.fault} | ${r.offered} | ${r.acknowledged} | ${r.stored} | **${r.lost}** | ${r.refused503} | ${
          Object.entries(r.failed)
            .map(([k, v]) => `${k}: ${v}`)
            .join(', ') || '0'
        } | ${r.recoveryS?.toFixed(2)} | ${[r.p99.before, r.p99.during, r.p99.after].map((v) => (Number.isNaN(v) ? '—' : v.toFixed(1))).join(' / ')} | ${r.refusedP99Ms.toFixed(1)} | ${r.eventsMissing} |`,
    ),
    '',
    `p99 (ms) of the turns due in each second, fault from second ${BEFORE} to ${BEFORE + FAULT}:`,
    '',
    ...rows.map((r) => `- ${r.fault}: ${r.bySecond.map((v) => v.toFixed(0)).join(' ')}`),
    '',
    ...(run
      ? [
          run.killedDuringTrain
            ? `Trainer killed (SIGKILL to its process group) while run ${run.runId} was training (train step at ${run.killedAt.progress} %); another trainer took the step: the run ended ${run.status}, with ${run.versionsOfRun} version registered by it (${run.newVersions} new in all), its train step in ${run.trainAttempts} attempts.`
            : `**The kill did not land in training** (run ${run.runId}'s train step was ${run.killedAt.status} when the trainer was killed), so this run did not test an interrupted run; it ended ${run.status} with ${run.versionsOfRun} version registered by it.`,
          '',
          `The run's log, in seconds from the start of the trainer phase: ${run.logs
            .map((l) => {
              const t0 = rows.find((r) => r.fault === 'trainer')?.startedAtMs ?? l.at;
              return `${((l.at - t0) / 1000).toFixed(1)} s ${l.message.slice(0, 60)}`;
            })
            .join('; ')}.`,
          '',
        ]
      : []),
    `Events lost on the way to analytics (Redis restarted empty, a worker killed with events in its buffer) and recorded from the stored turns by the trainer's reconciler (${RECONCILE_GRACE_S} s after the turn here, 2 min in the product): ${analytics.reconciled()}; "events not in analytics" counts stored turns still unrecorded at the end.`,
    '',
    'stored ≥ acknowledged per session (lost counts acknowledged turns missing from PostgreSQL); recovery: from the end of the fault (the kill, for a worker) to the last failed answer; p99 over every answer by the phase it was due in.',
  ];
  console.log(`\n${lines.join('\n')}\n`);
  const file =
    a.results ?? path.join(import.meta.dirname, 'results', `${new Date().toISOString().slice(0, 10)}.md`);
  mkdirSync(path.dirname(file), { recursive: true });
  // The day's file keeps its earlier runs: a later one is appended as a section (`--results` names a file to write).
  if (!a.results && existsSync(file))
    appendFileSync(file, `\n\n## Run of ${new Date().toISOString()}\n\n${lines.join('\n')}\n`);
  else writeFileSync(file, `${lines.join('\n')}\n`);
  log(`written to ${path.relative(process.cwd(), file)}`);

  client.close();
  await trainer?.close();
  await analytics.close();
  analyticsRedis.disconnect();
  await serving.stop();
  await proxy.close();
  await redisProxy.close();
  await bench.close().catch(() => undefined);
  redis.proc.kill('SIGKILL');
}

await main();
process.exit(0);
