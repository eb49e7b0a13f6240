import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTestDatabase, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../../..');
const dir = await mkdtemp(join(tmpdir(), 'acsa-data-db-'));
/** The frontend's Terminate message: a client that closes its connection properly sends it last. */
const TERMINATE = Buffer.from([0x58, 0, 0, 0, 4]);
const PASSWORD = 'hunter2-not-for-stderr';

let db: TestDatabase;
const servers: Server[] = [];
const sockets = new Set<Socket>();
beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

/** Runs the installed CLI as a person would; killed after 20 s so a hang fails the test instead of stalling it. */
function acsa(databaseUrl: string, ...args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['packages/cli/bin/acsa.mjs', ...args],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl }, timeout: 20_000 },
      (error, _stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stderr }),
    );
  });
}

async function listen(onConnection: (socket: Socket) => void): Promise<number> {
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as { port: number }).port;
}

/**
 * A relay to this file's database that sees each connection a client opens to PostgreSQL, as the server's
 * connection log would, and whether the client closed it with Terminate rather than by dying.
 */
async function relayToDatabase() {
  const seen = { opened: 0, closed: 0, terminated: 0 };
  const target = new URL(db.url);
  const port = await listen((client) => {
    seen.opened++;
    const server = connect(Number(target.port || 5432), target.hostname);
    server.on('error', () => client.destroy());
    let tail = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      tail = Buffer.concat([tail, chunk]).subarray(-TERMINATE.length);
    });
    client.on('close', () => {
      seen.closed++;
      if (tail.equals(TERMINATE)) seen.terminated++;
      server.destroy();
    });
    client.pipe(server).pipe(client);
  });
  const url = new URL(db.url);
  url.port = String(port);
  return { url: url.toString(), seen };
}

async function jsonl(name: string, rows: object[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
  return path;
}

describe('acsa data import and its database', () => {
  it('fails within seconds on a PostgreSQL that never answers, naming where, without the password', async () => {
    // Takes connections and never says a word: a server gone silent, or something else on its port.
    const port = await listen(() => undefined);
    const path = await jsonl('silent.jsonl', [{ text: 'where is my parcel', intent: 'track_order' }]);
    const started = performance.now();
    const { code, stderr } = await acsa(
      `postgresql://postgres:${PASSWORD}@127.0.0.1:${port}/acsa`,
      'data',
      'import',
      path,
      '--dry-run',
    );
    const seconds = (performance.now() - started) / 1000;
    expect(stderr).toBe(
      `error: PostgreSQL at 127.0.0.1:${port} did not answer within 5 s: is it running? (DATABASE_URL)\n`,
    );
    expect(code).toBe(1);
    expect(stderr).not.toContain(PASSWORD);
    // 5 s of waiting plus the CLI's own start on a busy machine; without a limit it waits for minutes.
    expect(seconds).toBeLessThan(15);
  }, 30_000);

  it('models, experiments and retrain name a silent PostgreSQL in one line too, within seconds', async () => {
    const port = await listen(() => undefined);
    const url = `postgresql://postgres:${PASSWORD}@127.0.0.1:${port}/acsa`;
    const started = performance.now();
    const runs = await Promise.all([
      acsa(url, 'models', 'list'),
      acsa(url, 'experiments', 'list'),
      acsa(url, 'retrain', '--mode', 'none'),
    ]);
    const seconds = (performance.now() - started) / 1000;
    for (const { code, stderr } of runs) {
      // Before: Prisma's invocation dump, many lines naming the query that happened to come first.
      expect(stderr).toBe(
        `error: PostgreSQL at 127.0.0.1:${port} did not answer within 5 s: is it running? (DATABASE_URL)\n`,
      );
      expect(code).toBe(1);
    }
    expect(seconds).toBeLessThan(18);
  }, 30_000);

  it('opens one connection to PostgreSQL and closes it, when the import succeeds and when it is refused', async () => {
    const ok = await relayToDatabase();
    const path = await jsonl('one.jsonl', [
      { text: 'where is my parcel', intent: 'track_order' },
      { text: 'cancel it please', intent: 'cancel_order' },
    ]);
    const imported = await acsa(ok.url, 'data', 'import', path);
    expect(imported.code, imported.stderr).toBe(0);
    expect(await db.prisma.example.count()).toBe(2);
    await vi.waitFor(() => expect(ok.seen.closed).toBe(ok.seen.opened));
    expect(ok.seen).toEqual({ opened: 1, closed: 1, terminated: 1 });

    const refused = await relayToDatabase();
    const typo = await jsonl('typo.jsonl', [{ text: 'where is my parcel', intent: 'track_ordr' }]);
    const failed = await acsa(refused.url, 'data', 'import', typo);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('nothing was imported');
    await vi.waitFor(() => expect(refused.seen.closed).toBe(refused.seen.opened));
    expect(refused.seen).toEqual({ opened: 1, closed: 1, terminated: 1 });
  }, 60_000);
});
