import type { PrismaClient } from '@acsa/db';
import { testServiceUrls } from '@acsa/db/testing';
import { QUEUES, stepJobId } from '@acsa/pipelines';
import { UnrecoverableError, Worker } from 'bullmq';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkPage, launch, signedIn, url } from './browser.ts';
import { testPrisma } from './database.ts';

let browser: Browser;
let prisma: PrismaClient;
beforeAll(async () => {
  browser = await launch();
  prisma = testPrisma();
});
afterAll(async () => {
  await browser?.close();
  await prisma?.$disconnect();
});

const runId = (pathname: string) => pathname.split('/').pop() ?? '';

/**
 * Stands in for the trainer on the run's first step: takes its job off the suite's queue and holds it, so
 * the step is executing as far as BullMQ can tell, until `stop` ends it as the trainer ends a cancelled
 * step (unrecoverable: no retry).
 */
function holdFirstStep(id: string) {
  let stop!: () => void;
  const stopped = new Promise<void>((r) => {
    stop = r;
  });
  let taken!: () => void;
  const held = new Promise<void>((r) => {
    taken = r;
  });
  const worker = new Worker(
    QUEUES.retrain,
    async (job) => {
      if (job.id !== stepJobId(id, 'snapshot')) throw new Error(`not this spec's job: ${job.id}`);
      taken();
      await stopped;
      throw new UnrecoverableError('the run was cancelled');
    },
    { connection: { url: testServiceUrls().redisUrl }, prefix: inject('queuePrefix') },
  );
  return {
    held,
    stop,
    close: () => worker.close(true),
  };
}

describe('training runs', () => {
  it('an engineer starts a run, follows it live over server-sent events, cancels it in the middle of a step and replays it', async () => {
    // No trainer runs in this spec: the test writes what the trainer would, and the page must show it live.
    const eli = await signedIn(browser, 'engineer');
    await eli.goto(url('/runs'));
    if ((await prisma.trainingRun.count()) === 0) {
      await eli.getByText('No run yet').waitFor();
      await checkPage(eli, 'runs-empty');
    }
    await eli.getByLabel('Promotion').selectOption('shadow');
    await eli.getByLabel('Training size').selectOption('small');
    await eli.getByRole('button', { name: 'Start a run' }).click();
    await eli.waitForURL((u) => /^\/runs\/[0-9a-f-]{36}$/.test(u.pathname));
    const id = runId(new URL(eli.url()).pathname);
    const run = await prisma.trainingRun.findUniqueOrThrow({ where: { id } });
    expect(run).toMatchObject({ status: 'QUEUED', mode: 'SHADOW' });
    expect(run.config).toMatchObject({ preset: 'small', mode: 'shadow' });
    await eli.getByText('live', { exact: true }).waitFor();
    expect(await eli.getByTestId('run-status').textContent()).toBe('queued');

    // The trainer picks it up: the page follows without a reload.
    const trainer = holdFirstStep(id);
    await trainer.held;
    await prisma.$transaction([
      prisma.trainingRun.update({
        where: { id },
        data: { status: 'RUNNING', progress: 3, startedAt: new Date() },
      }),
      prisma.trainingStep.update({
        where: { runId_name: { runId: id, name: 'snapshot' } },
        data: { status: 'RUNNING', progress: 60, attempts: 1, startedAt: new Date() },
      }),
      prisma.trainingLog.create({
        data: {
          runId: id,
          step: 'snapshot',
          level: 'info',
          message: 'snapshot: 1240 examples, 12 from labels',
        },
      }),
    ]);
    await eli.getByRole('log').getByText('snapshot: 1240 examples, 12 from labels').waitFor();
    await expect.poll(() => eli.getByTestId('run-status').textContent()).toBe('running');
    expect(await eli.getByTestId('run-progress').getAttribute('value')).toBe('3');
    expect(await eli.locator('tr[data-step="snapshot"]').textContent()).toMatch(/running60 %1/);
    // The summary above the table agrees with it: the snapshot is being taken, at the step's 60 %, and the
    // weighted overall 3 % says which step it is in.
    await expect.poll(() => eli.getByTestId('run-snapshot').textContent()).toBe('being taken (60 %)');
    expect(await eli.getByTestId('run-progress-text').textContent()).toBe(
      '3 % — step 1 of 6, snapshot at 60 %',
    );
    expect(
      await eli
        .getByRole('navigation', { name: 'Console' })
        .locator('[aria-current="page"]')
        .allTextContents(),
    ).toEqual(['Runs']);
    await checkPage(eli, 'run-live');

    // Cancel in the middle of the snapshot step, with a reason: the run is cancelled at once, and the page
    // shows the step stopping until the trainer has stopped it.
    try {
      // The field says its minimum before anything is typed, and Cancel waits for it.
      const why = eli.getByLabel('Why cancel');
      expect(await why.getAttribute('placeholder')).toBe('3 characters or more');
      expect(await eli.getByText('Cancel run waits for a reason.').isVisible()).toBe(true);
      await why.fill('no');
      expect(await eli.getByRole('button', { name: 'Cancel run' }).isDisabled()).toBe(true);
      await why.fill('wrong training size');
      await eli.getByRole('button', { name: 'Cancel run' }).click();
      await expect.poll(() => eli.getByTestId('run-status').textContent()).toBe('cancelled');
      await eli
        .getByRole('log')
        .getByText('cancelled by engineer@example.com: wrong training size; stopping snapshot')
        .waitFor();
      expect(await eli.getByTestId('run-stopping').textContent()).toContain('stopping snapshot');
      expect(await eli.locator('tr[data-step="train"]').textContent()).toContain('skipped');
      expect(await prisma.auditLog.count({ where: { action: 'retrain.cancel', targetId: id } })).toBe(1);
      // What the trainer writes once it has stopped the step.
      await prisma.$transaction([
        prisma.trainingStep.update({
          where: { runId_name: { runId: id, name: 'snapshot' } },
          data: { status: 'SKIPPED', error: 'stopped: the run was cancelled', finishedAt: new Date() },
        }),
        prisma.trainingLog.create({
          data: {
            runId: id,
            step: 'snapshot',
            level: 'warn',
            message: 'snapshot stopped: the run was cancelled',
          },
        }),
      ]);
      trainer.stop();
      await eli.getByRole('log').getByText('snapshot stopped: the run was cancelled').waitFor();
      await eli.getByTestId('run-stopping').waitFor({ state: 'detached' });
      // Begun, then stopped by the cancel: not "skipped", and its note is no error.
      // Said once: the trainer's "stopped: the run was cancelled" would only repeat it.
      await expect
        .poll(() => eli.locator('tr[data-step="snapshot"] td').first().textContent())
        .toBe('stopped (run cancelled)');
      expect(await eli.locator('tr[data-step="snapshot"] .error').count()).toBe(0);
    } finally {
      trainer.stop();
      await trainer.close();
    }
    // A cancel someone chose reads as who and why, not as an error.
    expect(await eli.getByTestId('run-cancelled').textContent()).toBe(
      'Cancelled by engineer@example.com: wrong training size',
    );
    expect(await eli.locator('dl.facts dt', { hasText: 'Error' }).count()).toBe(0);
    await checkPage(eli, 'run-cancelled');

    // Replay: a new run with the same configuration.
    await eli.getByRole('button', { name: 'Replay with the same configuration' }).click();
    await eli.waitForURL((u) => u.pathname !== `/runs/${id}`);
    const replayId = runId(new URL(eli.url()).pathname);
    const replay = await prisma.trainingRun.findUniqueOrThrow({ where: { id: replayId } });
    expect(replay.config).toMatchObject({ preset: 'small', mode: 'shadow' });
    expect(await prisma.auditLog.count({ where: { action: 'retrain.replay', targetId: replayId } })).toBe(1);

    // A run the trainer closed as it does (promote step): succeeded, with the moment it finished.
    const done = await prisma.trainingRun.create({
      data: {
        trigger: 'LABELS',
        mode: 'NONE',
        status: 'SUCCEEDED',
        progress: 100,
        startedAt: new Date(Date.now() - 60_000),
        finishedAt: new Date(),
      },
    });
    await eli.goto(url('/runs'));
    await eli.getByRole('link', { name: replayId.slice(-8) }).waitFor();
    const row = (runId: string) =>
      eli.locator('tr', { has: eli.getByRole('link', { name: runId.slice(-8) }) });
    expect(await row(done.id).getByTestId('run-finished').textContent()).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/,
    );
    // The cancel's reason is there whole, not cut off.
    expect(await row(id).getByTestId('run-note').textContent()).toBe(
      'Cancelled by engineer@example.com: wrong training size',
    );
    await checkPage(eli, 'runs');
    await prisma.trainingRun.delete({ where: { id: done.id } });

    // With the replay active, another start is not a second run: the page says so and links to the active one.
    const runs = await prisma.trainingRun.count();
    await eli.getByLabel('Promotion').selectOption('none');
    await eli.getByRole('button', { name: 'Start a run' }).click();
    const notStarted = eli.getByTestId('start-not-started');
    await expect
      .poll(() => notStarted.textContent())
      .toBe(`Not started: run ${replayId} is already queued; no second run started. Open that run`);
    expect(new URL(eli.url()).pathname).toBe('/runs');
    expect(await prisma.trainingRun.count()).toBe(runs);
    expect(await notStarted.getByRole('link').getAttribute('href')).toBe(`/runs/${replayId}`);
    // A replay of the cancelled run is refused the same way, on its page.
    await eli.goto(url(`/runs/${id}`));
    await eli.getByRole('button', { name: 'Replay with the same configuration' }).click();
    await expect
      .poll(() => eli.getByTestId('replay-not-started').textContent())
      .toBe(`Not replayed: run ${replayId} is already queued; no second run started. Open that run`);
    expect(new URL(eli.url()).pathname).toBe(`/runs/${id}`);
    expect(await prisma.trainingRun.count()).toBe(runs);
    await eli.goto(url('/runs'));

    // Leave no active run behind for the specs after this one.
    await eli.getByRole('link', { name: replayId.slice(-8) }).click();
    await eli.getByLabel('Why cancel').fill('end of the test');
    await eli.getByRole('button', { name: 'Cancel run' }).click();
    await expect.poll(() => eli.getByTestId('run-status').textContent()).toBe('cancelled');
    await eli.context().close();

    // The event stream is for engineers only.
    const rae = await signedIn(browser, 'reviewer');
    expect((await rae.request.get(url(`/api/runs/${id}/events`))).status()).toBe(403);
    await rae.context().close();
  });

  it('the runs list says how many runs it leaves out, and how to list every one', async () => {
    // Older than any other spec's runs: more than the list's 50 in all, whatever ran before.
    const long = Date.now() - 30 * 86_400_000;
    const seeded = await prisma.trainingRun.createManyAndReturn({
      data: Array.from({ length: 55 }, (_, i) => ({
        trigger: 'SCHEDULE' as const,
        mode: 'NONE' as const,
        status: 'SUCCEEDED' as const,
        progress: 100,
        createdAt: new Date(long + i * 60_000),
        finishedAt: new Date(long + i * 60_000 + 30_000),
      })),
      select: { id: true },
    });
    try {
      const eli = await signedIn(browser, 'engineer');
      await eli.goto(url('/runs'));
      // The older ones are a command away, as on the Models and Experiments pages.
      const total = await prisma.trainingRun.count();
      expect(await eli.getByTestId('runs-shown').textContent()).toBe(
        `The latest 50 of ${total} runs: acsa runs list --limit ${total} lists every one.`,
      );
      expect(await eli.locator('tbody tr').count()).toBe(50);
      await checkPage(eli, 'runs-more');
      await eli.context().close();
    } finally {
      await prisma.trainingRun.deleteMany({ where: { id: { in: seeded.map((r) => r.id) } } });
    }
  });

  it('the runs list shows a run started and finished elsewhere without a reload', async () => {
    const eli = await signedIn(browser, 'engineer');
    await eli.goto(url('/runs'));
    await eli.getByRole('heading', { level: 1, name: 'Training runs' }).waitFor();
    // A reload would lose this mark.
    await eli.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });
    // A run the schedule starts: no one on this page pressed anything.
    const run = await prisma.trainingRun.create({
      data: { trigger: 'SCHEDULE', mode: 'NONE', status: 'RUNNING', progress: 40, startedAt: new Date() },
    });
    try {
      const row = eli.locator('tr', { has: eli.getByRole('link', { name: run.id.slice(-8) }) });
      await row.waitFor({ timeout: 20_000 });
      expect(await row.locator('td').nth(1).textContent()).toBe('running 40 %');
      // It finishes: the row says so, again without a reload.
      await prisma.trainingRun.update({
        where: { id: run.id },
        data: { status: 'SUCCEEDED', progress: 100, gatePassed: true, finishedAt: new Date() },
      });
      await expect.poll(() => row.locator('td').nth(1).textContent(), { timeout: 10_000 }).toBe('succeeded');
      expect(await row.locator('td').nth(4).textContent()).toBe('passed');
      expect(await eli.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
        true,
      );
      await checkPage(eli, 'runs-followed');
      await eli.context().close();
    } finally {
      await prisma.trainingRun.delete({ where: { id: run.id } });
    }
  });
});
