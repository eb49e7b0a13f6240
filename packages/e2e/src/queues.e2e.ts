import { tcpRelay, testServiceUrls } from '@acsa/db/testing';
import { QUEUES, WORKER_METRICS } from '@acsa/pipelines';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkPage, launch, signedIn, url } from './browser.ts';
import { freePort, startConsole, stopConsole } from './console-server.ts';
import { testPrisma } from './database.ts';

let browser: Browser;
const queues: Queue[] = [];
/** A queue of the suite's own namespace, where the console under test reads. */
const open = (name: string) => {
  const q = new Queue(name, {
    connection: { url: testServiceUrls().redisUrl },
    prefix: inject('queuePrefix'),
  });
  queues.push(q);
  return q;
};
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await Promise.all(queues.map((q) => q.close()));
  await browser?.close();
});

describe('queues and dead letters', () => {
  it('an engineer sees each queue’s counts, reads a dead letter with PII masked, and replays it', async () => {
    const eli = await signedIn(browser, 'engineer');
    const dlq = open(QUEUES.deadLetters);
    if ((await dlq.getJobCounts('waiting')).waiting === 0) {
      await eli.goto(url('/queues'));
      await eli.getByText('No dead letters').waitFor();
      await checkPage(eli, 'queues-empty');
    }
    // Relative to what is there: a trainer another spec ran leaves its schedulers' next jobs delayed.
    const { delayed } = await open(QUEUES.retrainTriggers).getJobCounts('delayed');
    await open(QUEUES.retrainTriggers).add('label-check', {}, { delay: 3_600_000 });
    const letter = await dlq.add('dead', {
      v: 1,
      queue: 'acsa.e2e-jobs.v1',
      jobId: 'sync-10042',
      name: 'sync-order',
      data: { order: 10042, email: 'alex.morgan@example.com' },
      error: 'CRM refused alex.morgan@example.com: 503',
      stack: null,
      attemptsMade: 3,
      failedAt: new Date().toISOString(),
    });
    await eli.goto(url('/queues'));
    const row = eli.locator(`li[data-letter="${letter.id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('CRM refused [email]: 503');
    expect(await row.textContent()).not.toContain('alex.morgan');
    expect(await eli.locator(`tr[data-queue="${QUEUES.retrainTriggers}"] td`).nth(2).textContent()).toBe(
      String((delayed ?? 0) + 1),
    );
    await row.getByText('Payload').click();
    expect(await row.locator('pre').textContent()).toContain('"email": "[email]"');
    // The letter's box sits on its first line, the job's name, not between its two lines.
    const tick = await row.getByRole('checkbox', { name: `Select dead letter ${letter.id}` }).boundingBox();
    const name = await row.getByText('sync-order', { exact: true }).boundingBox();
    const middle = (tick?.y ?? 0) + (tick?.height ?? 0) / 2;
    expect(middle).toBeGreaterThan(name?.y ?? Number.NaN);
    expect(middle).toBeLessThan((name?.y ?? 0) + (name?.height ?? 0));
    await checkPage(eli, 'queues');

    await row.getByRole('button', { name: `Replay dead letter ${letter.id}` }).click();
    await eli
      .getByRole('status')
      .filter({
        hasText:
          'Replayed “sync-order” (sync-10042) on acsa.e2e-jobs.v1, which had failed with “CRM refused [email]: 503”: added again as a new job.',
      })
      .waitFor();
    // The job is named as engineers know it, never by BullMQ's counter ids.
    expect(await eli.getByRole('status').textContent()).not.toMatch(/dead letter \d|job \d/);
    await expect.poll(() => row.count()).toBe(0);
    expect((await open('acsa.e2e-jobs.v1').getJobCounts('waiting')).waiting).toBe(1);
    await checkPage(eli, 'queues-replayed');
    await eli.context().close();
  });
  it('an engineer finds dead letters by job id or run id, and replays several at once, told which failed', async () => {
    const eli = await signedIn(browser, 'engineer');
    const dlq = open(QUEUES.deadLetters);
    const runId = '3b9e2f4a-7c1d-4e8f-9a0b-5d6c7e8f9a01';
    const letter = (jobId: string, data: unknown) =>
      dlq.add('dead', {
        v: 1,
        queue: 'acsa.e2e-many.v1',
        jobId,
        name: 'step',
        data,
        error: 'worker lost',
        stack: null,
        attemptsMade: 3,
        failedAt: new Date().toISOString(),
      });
    // A run's step is replayed where it failed, within its run's flow (one whose job is gone is refused).
    const steps = open('acsa.e2e-many.v1');
    await steps.add('train', { v: 1, runId, step: 'train' }, { jobId: `${runId}-train` });
    const failing = new Worker(
      'acsa.e2e-many.v1',
      async () => {
        throw new UnrecoverableError('worker lost');
      },
      { connection: { url: testServiceUrls().redisUrl }, prefix: inject('queuePrefix') },
    );
    await expect.poll(() => steps.getJobState(`${runId}-train`)).toBe('failed');
    await failing.close();
    const train = await letter(`${runId}-train`, { v: 1, runId, step: 'train' });
    const evaluate = await letter(`${runId}-evaluate`, { v: 1, runId, step: 'evaluate' });
    const other = await letter('sync-20077', { order: 20077 });

    await eli.goto(url('/queues'));
    await eli.getByRole('searchbox', { name: 'Job id or run id' }).fill(runId.slice(0, 13));
    await eli.getByRole('button', { name: 'Search' }).click();
    await eli.waitForURL(/q=3b9e2f4a/);
    const listed = () => eli.locator('li[data-letter]');
    await expect.poll(() => listed().count()).toBe(2);
    expect(await eli.locator(`li[data-letter="${other.id}"]`).count()).toBe(0);
    const replay = eli.getByRole('button', { name: /^Replay selected/ });
    expect(await replay.isDisabled()).toBe(true);
    await eli.getByRole('checkbox', { name: `Select dead letter ${train.id}` }).check();
    await eli.getByRole('checkbox', { name: `Select dead letter ${evaluate.id}` }).check();
    expect(await replay.textContent()).toBe('Replay selected (2)');
    await checkPage(eli, 'queues-search');

    // Someone else replays one in the meantime: the other still goes through, and the page says which failed.
    await (await dlq.getJob(String(evaluate.id)))?.remove();
    await replay.click();
    // Said as an alert, in the yellow of the console's alerts: in the blue status line it read as success.
    const partial = eli.getByRole('alert').filter({ hasText: /^Replayed 1 of 2/ });
    await partial.waitFor();
    expect(await partial.textContent()).toBe(
      `Replayed 1 of 2 dead letters: “step” (${runId}-train) on acsa.e2e-many.v1. Failed: “step” (${runId}-evaluate) on acsa.e2e-many.v1: it is no longer a dead letter (replayed or removed meanwhile).`,
    );
    expect(await partial.textContent()).not.toContain(`"${evaluate.id}"`);
    expect(await eli.getByRole('status').textContent()).toBe('');
    await expect.poll(() => listed().count()).toBe(0);
    expect(await steps.getJobState(`${runId}-train`)).toBe('waiting');
    await checkPage(eli, 'queues-replayed-selected');

    await eli.goto(url('/queues?q=sync-20077'));
    await eli.locator(`li[data-letter="${other.id}"]`).waitFor();
    await eli.goto(url('/queues?q=no-such-job'));
    await eli.getByText('No dead letters match “no-such-job”').waitFor();
    await eli.context().close();
  });
  it('the dead letters list says how many letters it leaves out, and how to find an older one', async () => {
    const dlq = open(QUEUES.deadLetters);
    // As the trainer sends them: each as it fails, so the last added is the latest failed.
    const now = Date.now();
    const letters = await dlq.addBulk(
      Array.from({ length: 105 }, (_, i) => ({
        name: 'dead',
        data: {
          v: 1,
          queue: 'acsa.e2e-bulk.v1',
          jobId: `bulk-${i}`,
          name: 'sync-order',
          data: { order: i },
          error: 'CRM refused: 503',
          stack: null,
          attemptsMade: 3,
          failedAt: new Date(now + i).toISOString(),
        },
      })),
    );
    try {
      const eli = await signedIn(browser, 'engineer');
      await eli.goto(url('/queues'));
      const { waiting, delayed, prioritized } = await dlq.getJobCounts('waiting', 'delayed', 'prioritized');
      const shown = eli.getByTestId('letters-shown');
      expect(await shown.textContent()).toBe(
        `The latest 100 of ${(waiting ?? 0) + (delayed ?? 0) + (prioritized ?? 0)} dead letters: search a job or run id to find an older one.`,
      );
      expect(await eli.locator('li[data-letter]').count()).toBe(100);
      const oldest = () =>
        eli
          .locator('li[data-letter]')
          .filter({ hasText: /job bulk-0(?!\d)/ })
          .count();
      expect(await oldest()).toBe(0);
      await checkPage(eli, 'queues-more');
      // A search matching more than 100 says so too.
      await eli.goto(url('/queues?q=bulk-'));
      await eli.locator('li[data-letter]').first().waitFor();
      expect(await shown.textContent()).toBe(
        'The latest 100 of more than 100 that match: a whole job or run id narrows it.',
      );
      expect(await eli.locator('li[data-letter]').count()).toBe(100);
      // A hundred letters are ticked at once, with the keyboard, and cleared the same way.
      const all = eli.getByRole('checkbox', { name: 'Select all shown' });
      const replay = eli.getByRole('button', { name: /^Replay selected/ });
      await all.focus();
      await eli.keyboard.press('Space');
      await expect.poll(() => replay.textContent()).toBe('Replay selected (100)');
      expect(await eli.locator('li[data-letter] input[type="checkbox"]:checked').count()).toBe(100);
      // One unticked by hand: "all" is no longer true of them.
      await eli.locator('li[data-letter] input[type="checkbox"]').first().uncheck();
      await expect.poll(() => replay.textContent()).toBe('Replay selected (99)');
      expect(await all.isChecked()).toBe(false);
      await checkPage(eli, 'queues-more-search');
      await all.focus();
      await eli.keyboard.press('Space');
      await expect.poll(() => replay.textContent()).toBe('Replay selected (100)');
      await eli.keyboard.press('Space');
      await expect.poll(() => replay.textContent()).toBe('Replay selected (0)');
      // The oldest letter, left out of the list, is found by its job id.
      await eli.goto(url('/queues?q=bulk-0'));
      await expect.poll(() => eli.locator('li[data-letter]').count()).toBe(1);
      expect(await oldest()).toBe(1);
      expect(await shown.count()).toBe(0);
      await eli.context().close();
    } finally {
      await Promise.all(letters.map((l) => l.remove()));
    }
  });
  it('an engineer sees how many jobs per minute each queue finished over the last hour, and failed', async () => {
    const eli = await signedIn(browser, 'engineer');
    const cell = (queue: string) => eli.locator(`tr[data-queue="${queue}"] td[data-throughput]`);
    const figures = async () => {
      const c = cell(QUEUES.interactions);
      return {
        completed: Number(await c.getAttribute('data-throughput')),
        failed: Number((await c.getAttribute('data-failed')) ?? 0),
      };
    };
    await eli.goto(url('/queues'));
    const before = await figures();

    // A worker of the suite's own, as the trainer's analytics would be, with the product's metrics option.
    // Counted from its own events: it also takes any turn an earlier spec's serving left waiting.
    const seen = { completed: 0, failed: 0 };
    const worker = new Worker(
      QUEUES.interactions,
      async (job) => {
        if (job.name === 'e2e-bad') throw new UnrecoverableError('not a batch of turns');
      },
      { connection: { url: testServiceUrls().redisUrl }, prefix: inject('queuePrefix'), ...WORKER_METRICS },
    );
    worker.on('completed', () => seen.completed++);
    worker.on('failed', () => seen.failed++);
    try {
      const opts = { removeOnComplete: true, removeOnFail: true };
      await open(QUEUES.interactions).addBulk([
        ...Array.from({ length: 30 }, (_, i) => ({ name: 'e2e-throughput', data: { i }, opts })),
        ...Array.from({ length: 3 }, (_, i) => ({ name: 'e2e-bad', data: { i }, opts })),
      ]);
      await expect.poll(() => seen.completed, { timeout: 10_000 }).toBeGreaterThanOrEqual(30);
      await expect.poll(() => seen.failed, { timeout: 10_000 }).toBe(3);
    } finally {
      await worker.close();
    }

    await eli.goto(url('/queues'));
    const after = { completed: before.completed + seen.completed, failed: before.failed + 3 };
    expect(await figures()).toEqual(after);
    const text = await cell(QUEUES.interactions).textContent();
    const perMinute = (n: number) =>
      new Intl.NumberFormat('en', { maximumSignificantDigits: 2 }).format(n / 60);
    expect(text).toContain(`${perMinute(after.completed)}/min completed (${after.completed} jobs)`);
    expect(text).toContain(`${perMinute(after.failed)}/min failed (${after.failed} jobs)`);
    const chart = cell(QUEUES.interactions).getByRole('img', {
      name: /^Completions per minute over the last hour, peak \d+ in a minute$/,
    });
    expect(await chart.locator('svg path').count()).toBeGreaterThan(0);
    // No worker ever takes jobs off the dead letters queue: it says so rather than drawing a flat line.
    expect(await cell(QUEUES.deadLetters).textContent()).toBe('no job finished in the last hour');
    await checkPage(eli, 'queues-throughput');
    await eli.context().close();
  });

  it('an engineer whose Redis goes silent is told so in seconds, on Replay and on the page, and the console still works', async () => {
    // Redis through a relay that answers until the test silences it (a failover whose old address drops
    // packets): open connections stay open and hear nothing, new ones are taken and never answered.
    const relay = await tcpRelay(testServiceUrls().redisUrl);
    const redisPort = new URL(relay.url()).port;
    const port = await freePort();
    const consoleProcess = await startConsole({
      databaseUrl: inject('databaseUrl'),
      port,
      queuePrefix: inject('queuePrefix'),
      redisUrl: relay.url(),
    });
    const at = { consoleUrl: `http://127.0.0.1:${port}`, password: inject('password') };
    const letter = await open(QUEUES.deadLetters).add('dead', {
      v: 1,
      queue: 'acsa.e2e-jobs.v1',
      jobId: 'sync-10077',
      name: 'sync-order',
      data: { order: 10077 },
      error: 'CRM refused: 503',
      stack: null,
      attemptsMade: 3,
      failedAt: new Date().toISOString(),
    });
    try {
      const eli = await signedIn(browser, 'engineer', at);
      await eli.goto(`${at.consoleUrl}/queues`, { timeout: 15_000 });
      const row = eli.locator(`li[data-letter="${letter.id}"]`);
      await row.waitFor();

      // Redis goes silent with the page open: Replay says within its 10 s that nothing was replayed.
      relay.silence();
      const pressed = Date.now();
      await row.getByRole('button', { name: `Replay dead letter ${letter.id}` }).click();
      const unanswered = eli.getByRole('alert').filter({ hasText: 'did not answer' });
      await unanswered.waitFor({ timeout: 20_000 });
      expect(Date.now() - pressed).toBeLessThan(15_000);
      expect(await unanswered.textContent()).toBe(
        `Could not replay “sync-order” (sync-10077) on acsa.e2e-jobs.v1: Redis at 127.0.0.1:${redisPort} did not answer within 10 s: nothing was replayed; try again.`,
      );
      // Not in the red of the letter's own error under it: the two read as two things.
      const colour = (el: Element) => getComputedStyle(el).color;
      expect(await unanswered.evaluate(colour)).not.toBe(await row.locator('p.error').evaluate(colour));
      await checkPage(eli, 'queues-replay-redis-silent');
      expect(await open(QUEUES.deadLetters).getJob(String(letter.id))).toBeTruthy();

      const started = Date.now();
      await eli.goto(`${at.consoleUrl}/queues`, { timeout: 15_000 });
      await eli.getByText('Redis did not answer').waitFor();
      expect(Date.now() - started).toBeLessThan(6_000);
      expect(await eli.locator('main').textContent()).toContain(
        `Redis at 127.0.0.1:${redisPort} did not answer within 3 s`,
      );
      await checkPage(eli, 'queues-redis-silent');
      // The rest of the console reads PostgreSQL and opens as usual.
      await eli.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Models' }).click();
      await eli.getByRole('heading', { level: 1, name: 'Model registry' }).waitFor();

      // Starting a run needs the job queue: the engineer is told within its 10 s what became of the run.
      // No other run is active (one would be handed back without asking Redis).
      const prisma = testPrisma();
      try {
        await prisma.trainingRun.updateMany({
          where: { status: { in: ['QUEUED', 'RUNNING'] } },
          data: { status: 'CANCELLED' },
        });
        await eli.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Runs' }).click();
        await eli.getByRole('button', { name: 'Start a run' }).click();
        const refused = eli.getByRole('alert').filter({ hasText: 'did not answer within 10 s' });
        await refused.waitFor({ timeout: 20_000 });
        const run = await prisma.trainingRun.findFirstOrThrow({ orderBy: { createdAt: 'desc' } });
        expect(await refused.textContent()).toContain(
          `the job queue (Redis at 127.0.0.1:${redisPort}) did not answer within 10 s: run ${run.id} was never sent to it; it is marked failed: try again`,
        );
        expect(run.status).toBe('FAILED');
        // The list shows the run the message names.
        await eli.locator(`a[href="/runs/${run.id}"]`).first().waitFor();
        await checkPage(eli, 'runs-redis-silent');
      } finally {
        await prisma.$disconnect();
      }
      await eli.context().close();
    } finally {
      stopConsole(consoleProcess);
      await relay.close();
      await letter.remove().catch(() => undefined);
    }
  }, 120_000);
});
