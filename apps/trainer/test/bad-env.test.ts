import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const TSX = createRequire(import.meta.url).resolve('tsx');

// What an operator sees when the trainer is started with a bad environment: the problems, once, and exit 1.
it('exits 1 with one list of what is wrong, no stack trace and no value echoed', () => {
  const secret = 'hunter2-do-not-print';
  const { status, stdout, stderr } = spawnSync(process.execPath, ['--import', TSX, MAIN], {
    encoding: 'utf8',
    timeout: 30_000,
    env: {
      PATH: process.env.PATH,
      TRAINER_PORT: 'eighty',
      DATABASE_URL: `mysql://acsa:${secret}@db.example/acsa`,
    },
  });
  expect(status).toBe(1);
  expect(stdout).toBe('');
  expect(stderr.trim()).toBe(
    [
      'error: invalid environment:',
      '  DATABASE_URL: must be a URL starting with postgresql:// or postgres://',
      '  TRAINER_PORT: Invalid input: expected number, received NaN',
    ].join('\n'),
  );
  expect(stderr).not.toContain(secret);
});
