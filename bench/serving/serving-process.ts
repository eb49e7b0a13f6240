import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SERVING_NODE_OPTIONS } from '../../apps/serving/node-options.mjs';
import { childrenOf } from './proc-stats.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const OUT_DIR = path.join(import.meta.dirname, 'out');

export type TServingProcess = {
  port: number;
  primary: number;
  /** The processes that answer requests: the cluster workers, or the primary itself with one worker. */
  workers(): number[];
  /** Every serving process (primary and workers). */
  all(): number[];
  stop(): Promise<void>;
};

export type TServingOptions = {
  databaseUrl: string;
  redisUrl: string;
  port: number;
  workers: number;
  microbatch: boolean;
  tokenSecret: string;
  /** Writes a V8 CPU profile of every serving process to out/prof-<label>/ when it exits. */
  cpuProfile?: string;
  extraEnv?: Record<string, string>;
};

/**
 * Serving as production runs it: its own process tree (`node --import tsx apps/serving/src/main.ts`), the
 * cluster primary forking SERVING_WORKERS workers that share the port. Its log goes to out/serving-*.log.
 */
export async function startServing(o: TServingOptions): Promise<TServingProcess> {
  mkdirSync(OUT_DIR, { recursive: true });
  const logFile = path.join(OUT_DIR, `serving-${o.microbatch ? 'batch' : 'nobatch'}.log`);
  const log = createWriteStream(logFile);
  const profile = o.cpuProfile
    ? ['--cpu-prof', `--cpu-prof-dir=${path.join(OUT_DIR, `prof-${o.cpuProfile}`)}`]
    : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'apps/serving/src/main.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      NODE_OPTIONS: SERVING_NODE_OPTIONS,
      LOG_LEVEL: 'warn',
      DATABASE_URL: o.databaseUrl,
      REDIS_URL: o.redisUrl,
      PORT: String(o.port),
      // Not read by the benches; a free one, so a bench beside `npm start` (9464) or another bench starts.
      METRICS_PORT: '0',
      HOST: '127.0.0.1',
      SERVING_WORKERS: String(o.workers),
      MICROBATCH: String(o.microbatch),
      CUSTOMER_TOKEN_SECRET: o.tokenSecret,
      // Sessions are short scripted conversations; the per-key limit must not cap a saturation run.
      RATE_LIMIT_SESSION_PER_MINUTE: '10000',
      RATE_LIMIT_KEY_PER_MINUTE: '100000000',
      ...o.extraEnv,
    },
  });
  // Both streams into one file: neither may end it (the first to close did, and the other's last lines then
  // threw "write after end" in the bench instead of showing why serving failed). Once serving has exited the
  // file is closed when both pipes have drained, or after 3 s: a descendant still holding them (a cluster
  // worker that outlived its primary) must not hold the bench.
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      let closed = false;
      const closeLog = () => {
        if (closed) return;
        closed = true;
        clearTimeout(timer);
        log.end(() => resolve(code));
      };
      const timer = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        closeLog();
      }, 3_000);
      child.once('close', closeLog);
    }),
  );
  const pid = child.pid ?? 0;
  const workers = () => (o.workers > 1 ? childrenOf(pid) : [pid]);
  const proc: TServingProcess = {
    port: o.port,
    primary: pid,
    workers,
    all: () => (o.workers > 1 ? [pid, ...childrenOf(pid)] : [pid]),
    stop: () => stop(child, exited),
  };
  const ready = await waitReady(o.port, o.workers, workers, exited);
  if (!ready.ok) {
    await proc.stop();
    const tail = readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
    throw new Error(`serving did not become ready: ${ready.why}\n${tail}`);
  }
  return proc;
}

async function waitReady(
  port: number,
  count: number,
  workers: () => number[],
  exited: Promise<number | null>,
): Promise<{ ok: true } | { ok: false; why: string }> {
  let gone: number | null | undefined;
  void exited.then((code) => {
    gone = code;
  });
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (gone !== undefined) return { ok: false, why: `it exited with code ${gone}` };
    const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
    // One worker answering is not all of them; each opens its port only once its model is loaded.
    if (res?.status === 200 && workers().length >= count) return { ok: true };
    await new Promise((r) => setTimeout(r, 200));
  }
  return { ok: false, why: 'no 200 from /readyz within 120 s' };
}

/** Stops serving (SIGTERM, SIGKILL after 15 s) and resolves once its log is written out, if it had ended already too. */
async function stop(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  const running = child.exitCode === null && child.signalCode === null;
  if (running) child.kill('SIGTERM');
  const timer = running ? setTimeout(() => child.kill('SIGKILL'), 15_000) : undefined;
  await exited;
  clearTimeout(timer);
}
