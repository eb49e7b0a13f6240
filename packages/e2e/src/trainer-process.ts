import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { testServiceUrls } from '@acsa/db/testing';
import { freePort } from './console-server.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;

export type TTrainerProcess = { stop(): Promise<void>; log(): string };

/** The trainer app as `npm start` runs it, on the suite's database and queue prefix. */
export async function startTrainer(opts: {
  databaseUrl: string;
  queuePrefix: string;
}): Promise<TTrainerProcess> {
  const workDir = mkdtempSync(path.join(tmpdir(), 'acsa-e2e-trainer-'));
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'apps/trainer/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATABASE_URL: opts.databaseUrl,
      REDIS_URL: testServiceUrls().redisUrl,
      QUEUE_PREFIX: opts.queuePrefix,
      TRAINER_PORT: String(port),
      TRAINER_WORK_DIR: workDir,
      // Only the console's button starts runs here.
      LABEL_TRIGGER_COUNT: '0',
      RETRAIN_CRON: 'off',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (d) => {
    log += d;
  });
  child.stderr?.on('data', (d) => {
    log += d;
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the trainer exited (${child.exitCode}):\n${log}`);
    const up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) throw new Error(`the trainer did not answer within 60 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    log: () => log,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
