import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
  testServiceUrls,
} from '@acsa/db/testing';
import { SNAPSHOT_DATASET } from '@acsa/pipelines';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../../..');
let db: TestDatabase;
let redis: TestRedis;

beforeAll(async () => {
  const urls = testServiceUrls();
  [db, redis] = await Promise.all([createTestDatabase(urls.databaseUrl), createTestRedis(urls.redisUrl)]);
  for (const name of ['returns', 'orders', SNAPSHOT_DATASET])
    await db.prisma.dataset.create({ data: { name } });
});
afterAll(() => Promise.all([db?.drop(), redis?.cleanup()]));

/** Runs the installed CLI as a person would, against this file's own database and Redis namespace. */
function acsa(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return acsaWith({}, ...args);
}

/** `acsa`, with some of its environment changed (`env`). */
function acsaWith(
  env: Record<string, string>,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['packages/cli/bin/acsa.mjs', ...args],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          DATABASE_URL: db.url,
          REDIS_URL: redis.url,
          QUEUE_PREFIX: `${redis.prefix}bull`,
          ...env,
        },
      },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Runs in the database and jobs in this file's Redis namespace (a queue's `meta` key is written by merely opening it). */
async function queued(): Promise<[number, number]> {
  const raw = new Redis(redis.url);
  try {
    const keys = await raw.keys(`${redis.prefix}*`);
    return [await db.prisma.trainingRun.count(), keys.filter((k) => !k.endsWith(':meta')).length];
  } finally {
    raw.disconnect();
  }
}

describe('acsa retrain, refusing what it cannot do', () => {
  it('refuses a dataset name that does not exist, listing those that do, and queues nothing', async () => {
    const { code, stdout, stderr } = await acsa('retrain', '--dataset', 'orders', '--dataset', 'typo');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim()).toBe('error: --dataset: no dataset named "typo" (datasets: orders, returns)');
    expect(await queued()).toEqual([0, 0]);

    // The snapshots runs write are not a source a run may name: the trainer would not find it either.
    const snapshot = await acsa('retrain', '--dataset', SNAPSHOT_DATASET);
    expect(snapshot.code).toBe(1);
    expect(snapshot.stderr).toContain(`no dataset named "${SNAPSHOT_DATASET}" (datasets: orders, returns)`);
    expect(await queued()).toEqual([0, 0]);
  }, 30_000);

  it('refuses a --weight that is not a number, or given without --mode experiment, quoting it', async () => {
    const nan = await acsa('retrain', '--mode', 'experiment', '--weight', 'abc');
    expect([nan.code, nan.stderr.trim()]).toEqual([1, 'error: --weight: "abc" is not a number']);
    const direct = await acsa('retrain', '--weight', '0.3');
    expect([direct.code, direct.stderr.trim()]).toEqual([
      1,
      'error: --weight applies to --mode experiment only',
    ]);
    expect(await queued()).toEqual([0, 0]);
  }, 30_000);

  it('refuses a --reason over 500 characters, naming the flag and the limit, and queues nothing', async () => {
    const { code, stdout, stderr } = await acsa('retrain', '--reason', 'x'.repeat(501));
    expect([code, stdout, stderr.trim()]).toEqual([
      1,
      '',
      'error: --reason: at most 500 characters, got 501',
    ]);
    expect(await queued()).toEqual([0, 0]);
    // Told before connecting: with no database to reach, the reason is still what is named.
    const nowhere = await acsaWith(
      { DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/acsa' },
      'retrain',
      '--reason',
      'x'.repeat(501),
    );
    expect(nowhere.stderr.trim()).toBe('error: --reason: at most 500 characters, got 501');
  }, 30_000);

  it('queues a run on datasets that exist', async () => {
    const { code, stdout } = await acsa(
      'retrain',
      '--dataset',
      'orders',
      '--mode',
      'experiment',
      '--weight',
      '0.3',
      '--json',
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ started: true, status: 'QUEUED' });
    const run = await db.prisma.trainingRun.findFirstOrThrow();
    expect(run.config).toMatchObject({ datasets: ['orders'], mode: 'experiment', experimentWeight: 0.3 });
    expect((await queued())[1]).toBeGreaterThan(0);
  }, 30_000);
});

describe('acsa retrain --wait, on how the run ended', () => {
  /**
   * `acsa retrain --mode MODE --wait --json`, with this test as its trainer: once the CLI has queued the run,
   * the run succeeds with `promote` as its promote step's result.
   */
  async function waitOn(mode: string, promote: object) {
    await db.prisma.trainingRun.updateMany({
      where: { status: { in: ['QUEUED', 'RUNNING'] } },
      data: { status: 'CANCELLED' },
    });
    let ended = false;
    const waiting = acsa('retrain', '--mode', mode, '--preset', 'small', '--wait', '--json').finally(() => {
      ended = true;
    });
    for (;;) {
      const run = await db.prisma.trainingRun.findFirst({ where: { status: 'QUEUED' } });
      if (run) {
        await db.prisma.trainingStep.updateMany({
          where: { runId: run.id, name: 'promote' },
          data: { status: 'SUCCEEDED', output: promote },
        });
        await db.prisma.trainingRun.update({
          where: { id: run.id },
          data: { status: 'SUCCEEDED', gatePassed: true, progress: 100, finishedAt: new Date() },
        });
        break;
      }
      if (ended) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    return waiting;
  }

  it('exits 3 and says why when the gate passed but nothing was promoted; 0 for mode none', async () => {
    const moved =
      'registered, not promoted: production is m2 now, not m1 as the gate compared; promote it from Models if it should still go';
    const direct = await waitOn('direct', {
      mode: 'direct',
      promoted: false,
      alias: null,
      experimentId: null,
      message: moved,
    });
    expect([direct.code, direct.stderr.trim()]).toEqual([
      3,
      `error: the gate passed but nothing was promoted: ${moved}`,
    ]);
    expect(JSON.parse(direct.stdout).run).toMatchObject({ status: 'SUCCEEDED', promotion: moved });

    const busy =
      'experiment retrain-1 is still running; the candidate is registered but not in an experiment';
    const experiment = await waitOn('experiment', {
      mode: 'experiment',
      promoted: false,
      alias: null,
      experimentId: null,
      message: busy,
    });
    expect([experiment.code, experiment.stderr.trim()]).toEqual([
      3,
      `error: the gate passed but nothing was promoted: ${busy}`,
    ]);

    // Registering only is what mode none asks for.
    const none = await waitOn('none', {
      mode: 'none',
      promoted: false,
      alias: null,
      experimentId: null,
      message: 'registered only (mode none)',
    });
    expect([none.code, none.stderr]).toEqual([0, '']);
  }, 60_000);
});
