import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { createTestDatabase, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { verifyPassword } from '@acsa/pipelines/access';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../../..');
const PASSWORD = 'correct horse battery';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
});
afterAll(() => db?.drop());

/** The installed CLI as a person runs it, `stdin` piped in. */
function acsa(
  args: string[],
  o: { stdin?: string; env?: Record<string, string> } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = execFile(
      process.execPath,
      ['packages/cli/bin/acsa.mjs', ...args],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: db.url, ...o.env }, timeout: 30_000 },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(o.stdin ?? '');
  });
}

describe('acsa users add', () => {
  it('adds the first admin of a new installation, who signs in with the password given on stdin', async () => {
    const added = await acsa(
      [
        'users',
        'add',
        '--email',
        'Ada@Shop.Example',
        '--name',
        'Ada Admin',
        '--role',
        'admin',
        '--password-stdin',
      ],
      { stdin: `${PASSWORD}\n` },
    );
    expect(added.stderr).toBe('');
    expect(added.stdout).toBe(
      "added Ada Admin <ada@shop.example> as admin: they sign in on the console's sign-in page\n",
    );
    const user = await db.prisma.user.findUniqueOrThrow({
      where: { email: 'ada@shop.example' },
      include: { accounts: true },
    });
    expect(user.role).toBe('ADMIN');
    expect(await verifyPassword(user.accounts[0]?.password ?? null, PASSWORD)).toBe(true);
    const audit = await db.prisma.auditLog.findFirstOrThrow({
      where: { action: 'user.add', targetId: user.id },
    });
    expect(audit.actor).toMatch(/^cli:/);
    expect(JSON.stringify(audit.data)).not.toContain(PASSWORD);

    // Again: refused, nothing changed.
    const again = await acsa(
      ['users', 'add', '--email', 'ada@shop.example', '--name', 'Ada', '--role', 'reviewer'],
      {
        env: { ACSA_USER_PASSWORD: 'another long password' },
      },
    );
    expect(again.stderr).toBe('error: ada@shop.example is a user already\n');
    expect(again.code).toBe(1);
    expect((await db.prisma.user.findUniqueOrThrow({ where: { email: 'ada@shop.example' } })).role).toBe(
      'ADMIN',
    );
  }, 60_000);

  it('says what is wrong with the input, and never takes the password as an argument', async () => {
    const short = await acsa(
      ['users', 'add', '--email', 'not-an-email', '--name', 'Rae', '--password-stdin'],
      {
        stdin: 'short\n',
      },
    );
    expect(short.stderr).toBe(
      'error: --email: an email address, e.g. rae@shop.example; the password: the password needs at least 12 characters\n',
    );
    expect(short.code).toBe(1);
    const none = await acsa(['users', 'add', '--email', 'rae@shop.example', '--name', 'Rae']);
    expect(none.stderr).toBe(
      'error: give the password on stdin (--password-stdin) or in ACSA_USER_PASSWORD, never as an argument\n',
    );
    expect(await db.prisma.user.count({ where: { email: 'rae@shop.example' } })).toBe(0);
  }, 60_000);
});
