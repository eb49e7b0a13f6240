import { type ChildProcess, spawn } from 'node:child_process';

const ROOT = new URL('../../../', import.meta.url).pathname;

export type TAppProcess = {
  readonly url: string;
  /** Everything it printed, for a failure's message. */
  output(): string;
  stop(): Promise<void>;
};

/**
 * One of the project's apps as `npm start` runs it (`node --import tsx <entry>`), on the test's env, ready
 * once `readyPath` answers 200. Stopping sends SIGTERM and waits for the exit.
 */
export async function startApp(o: {
  entry: string;
  env: Record<string, string>;
  url: string;
  readyPath: string;
  timeoutMs?: number;
}): Promise<TAppProcess> {
  let out = '';
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', o.entry], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const app: TAppProcess = {
    url: o.url,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  const deadline = Date.now() + (o.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${o.entry} exited (${child.exitCode}):\n${out}`);
    try {
      if ((await fetch(`${o.url}${o.readyPath}`)).ok) return app;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await app.stop();
      throw new Error(`${o.entry} was not ready within ${(o.timeoutMs ?? 60_000) / 1000} s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
