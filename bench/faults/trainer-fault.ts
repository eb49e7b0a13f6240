import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PrismaClient } from '@acsa/db';
import { createRetrainClient } from '@acsa/pipelines/retrain';
import type { Redis } from 'ioredis';
import { seedBootstrapCorpus } from '../../prisma/seed/corpus.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = createRequire(import.meta.url).resolve('tsx');
/**
 * A small run, as the trainer tests use: the flow's mechanics, not a good model. Its gate lets the small
 * model through (against the bench's production model it would be refused, and register nothing to count).
 */
const SMALL = {
  mode: 'none' as const,
  preset: 'small' as const,
  teacher: { epochs: 3 },
  student: { epochs: 2 },
  gate: {
    minAccuracy: 0,
    minMacroF1: 0,
    minOosRecall: 0,
    margin: 1,
    maxIntentRegression: 1,
    maxP99LatencyMs: 60_000,
  },
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The trainer killed in the middle of a retraining run: `npm start`'s trainer as a process group of its own,
 * a run requested, SIGKILL to the group once training is under way, another trainer started (BullMQ's
 * stalled-job check hands it the step, settings shortened to seconds). `outcome()` waits for the run.
 */
export async function trainerFault(o: {
  prisma: PrismaClient;
  connection: Redis;
  databaseUrl: string;
  redisUrl: string;
  port: () => Promise<number>;
}) {
  // The bootstrap corpus (small), for the run's snapshot to train on.
  await seedBootstrapCorpus(o.prisma, { seed: 1, perIntent: 20 });
  const workDir = mkdtempSync(path.join(tmpdir(), 'acsa-faults-trainer-'));
  const trainers: ChildProcess[] = [];
  const start = async () => {
    const child = spawn(process.execPath, ['--import', TSX, 'apps/trainer/src/main.ts'], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        LOG_LEVEL: 'info',
        DATABASE_URL: o.databaseUrl,
        REDIS_URL: o.redisUrl,
        QUEUE_PREFIX: 'acsa:bull',
        TRAINER_PORT: String(await o.port()),
        TRAINER_WORK_DIR: workDir,
        STEP_BACKOFF_MS: '100',
        LABEL_TRIGGER_COUNT: '0',
        RETRAIN_CRON: 'off',
        WORKER_LOCK_DURATION_MS: '2000',
        WORKER_STALLED_INTERVAL_MS: '1000',
      },
    });
    trainers.push(child);
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('trainer up')) resolve();
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code, signal) =>
        reject(new Error(`trainer exited (${code ?? signal}):\n${output}`)),
      );
    });
    return child;
  };
  const retrain = createRetrainClient({ prisma: o.prisma, connection: o.connection, prefix: 'acsa:bull' });
  let runId = '';
  const versionsBefore = await o.prisma.modelVersion.count();
  let first: ChildProcess | null = null;
  /** The train step as last seen before the kill: the kill tested an interruption only if it was running. */
  let killedAt = { status: 'not started', progress: 0 };
  return {
    /** Before the load: a trainer up (it takes seconds to start), so that the kill lands in the load's window. */
    async prepare() {
      first = await start();
    },
    /**
     * The run is requested when the fault starts, not before the load: on a fast machine a small run ends in
     * a few seconds, and one requested earlier was over before the kill (which then tested nothing).
     */
    async start() {
      if (!first) throw new Error('prepare() first');
      ({ runId } = await retrain.request({ trigger: 'MANUAL', config: SMALL }));
      // Until training is under way; or the step or the whole run has ended (the kill then misses, and the
      // report says so); at most a minute.
      for (let i = 0; i < 1200; i++) {
        const step = await o.prisma.trainingStep.findUnique({
          where: { runId_name: { runId, name: 'train' } },
        });
        killedAt = { status: step?.status ?? 'not started', progress: step?.progress ?? 0 };
        if (step?.status === 'RUNNING' && step.progress >= 10) break;
        if (step && step.status !== 'PENDING' && step.status !== 'RUNNING') break;
        const run = await o.prisma.trainingRun.findUniqueOrThrow({ where: { id: runId } });
        if (['SUCCEEDED', 'REJECTED', 'FAILED'].includes(run.status)) break;
        await sleep(50);
      }
      const victim = first;
      const exited = new Promise((r) => victim.once('exit', r));
      process.kill(-(victim.pid as number), 'SIGKILL');
      await exited;
    },
    async end() {
      await start();
    },
    /** Waits for the run; what it ended as, how many versions it registered, its train step's attempts. */
    async outcome(timeoutMs = 240_000) {
      const until = Date.now() + timeoutMs;
      let status = 'RUNNING';
      while (Date.now() < until) {
        status = (await o.prisma.trainingRun.findUniqueOrThrow({ where: { id: runId } })).status;
        if (['SUCCEEDED', 'REJECTED', 'FAILED'].includes(status)) break;
        await sleep(500);
      }
      const train = await o.prisma.trainingStep.findUnique({
        where: { runId_name: { runId, name: 'train' } },
      });
      // What the run did when, to read beside serving's latency by second.
      const logs = await o.prisma.trainingLog.findMany({
        where: { runId },
        orderBy: { id: 'asc' },
        select: { at: true, step: true, message: true },
        take: 40,
      });
      return {
        runId,
        status,
        logs: logs.map((l) => ({
          at: l.at.getTime(),
          message: `${l.step ? `${l.step}: ` : ''}${l.message}`,
        })),
        versionsOfRun: await o.prisma.modelVersion.count({ where: { trainingRunId: runId } }),
        newVersions: (await o.prisma.modelVersion.count()) - versionsBefore,
        trainAttempts: train?.attempts ?? 0,
        killedDuringTrain: killedAt.status === 'RUNNING',
        killedAt,
      };
    },
    async close() {
      await retrain.close();
      for (const t of trainers)
        try {
          process.kill(-(t.pid as number), 'SIGKILL');
        } catch {
          // already gone
        }
    },
  };
}
