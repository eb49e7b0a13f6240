import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const TSX = createRequire(import.meta.url).resolve('tsx');

// What an operator sees when serving is started with a bad environment: the problems, once, and exit 1.
it('exits 1 with one list of what is wrong, no stack trace and no secret echoed', () => {
  const secret = 'too-short-but-secret';
  const { status, stdout, stderr } = spawnSync(process.execPath, ['--import', TSX, MAIN], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { PATH: process.env.PATH, PORT: '9464', CUSTOMER_TOKEN_SECRET: secret },
  });
  expect(status).toBe(1);
  expect(stdout).toBe('');
  expect(stderr.trim()).toBe(
    [
      'error: invalid environment:',
      '  CUSTOMER_TOKEN_SECRET: must be at least 32 characters',
      '  METRICS_PORT: must differ from PORT: metrics are not served on the public API port',
    ].join('\n'),
  );
  expect(stderr).not.toContain(secret);
});
