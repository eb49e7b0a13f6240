import { afterEach, describe, expect, it, vi } from 'vitest';
import { register } from './instrumentation';

/** The console's variables, blank (as unset), so what the runner's own environment holds plays no part. */
const BLANK = ['DATABASE_URL', 'REDIS_URL', 'LOG_LEVEL', 'QUEUE_PREFIX', 'CONSOLE_URL'];

/** Runs register() as `next start` would, with `env`; what it printed, and the code it exited with. */
async function start(env: Record<string, string>, runtime = 'nodejs') {
  vi.stubEnv('NEXT_RUNTIME', runtime);
  for (const name of BLANK) vi.stubEnv(name, '');
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  const printed: string[] = [];
  vi.spyOn(console, 'error').mockImplementation((...a) => void printed.push(a.join(' ')));
  const exit = vi.spyOn(process, 'exit').mockImplementation((code) => {
    throw new Error(`exit ${code}`);
  });
  const exited = await register().then(
    () => null,
    (e: Error) => e.message,
  );
  return { printed, exited, exitCalls: exit.mock.calls.length };
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('the console at server start', () => {
  it('stops with exit 1 and one list of what is wrong when production has no AUTH_SECRET', async () => {
    const r = await start({ NODE_ENV: 'production', AUTH_SECRET: '', PORT: '99999' });
    expect(r.exited).toBe('exit 1');
    expect(r.exitCalls).toBe(1);
    expect(r.printed).toEqual([
      [
        'error: invalid environment:',
        '  PORT: Too big: expected number to be <=65535',
        '  AUTH_SECRET: is required in production (32+ random characters; `npm start` makes one in var/)',
      ].join('\n'),
    ]);
  });

  it('never prints a secret it refuses', async () => {
    const r = await start({ NODE_ENV: 'production', AUTH_SECRET: 'hunter2-too-short' });
    expect(r.exited).toBe('exit 1');
    expect(r.printed.join('\n')).toContain('AUTH_SECRET: must be at least 32 characters');
    expect(r.printed.join('\n')).not.toContain('hunter2');
  });

  it('starts with a good environment, blank prefixes taken as unset', async () => {
    const r = await start({ NODE_ENV: 'production', AUTH_SECRET: 'x'.repeat(32), SERVING_REDIS_PREFIX: '' });
    expect(r).toEqual({ printed: [], exited: null, exitCalls: 0 });
  });

  it('leaves the edge runtime alone (no process to exit there)', async () => {
    const r = await start({ NODE_ENV: 'production', AUTH_SECRET: '' }, 'edge');
    expect(r).toEqual({ printed: [], exited: null, exitCalls: 0 });
  });
});
