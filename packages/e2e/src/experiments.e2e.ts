import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '@acsa/db';
import { bareModelVersion } from '@acsa/db/testing';
import { stopExperiment } from '@acsa/pipelines/experiments';
import type { Browser, Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  // The specs share one database: an experiment left running here would take every session from production,
  // and the next spec's production move would stop it (a move by hand stops a running experiment).
  if (prisma) {
    const actor = { type: 'SYSTEM' as const, display: 'system:e2e' };
    for (const e of await prisma.experiment.findMany({ where: { status: 'RUNNING' } }))
      await stopExperiment(prisma, { experimentId: e.id, actor, reason: 'the experiments spec ended' });
  }
  await prisma?.$disconnect();
});

const version = (name: string) => bareModelVersion(prisma, name);

/** Whether an input's placeholder fits inside it: Chromium cuts a longer one at the edge, with no ellipsis. */
const placeholderFits = (input: Locator) =>
  input.evaluate((el: HTMLInputElement) => {
    const style = getComputedStyle(el);
    const ctx = document.createElement('canvas').getContext('2d');
    if (!ctx) throw new Error('no 2d canvas');
    ctx.font = style.font;
    const room =
      el.clientWidth - Number.parseFloat(style.paddingLeft) - Number.parseFloat(style.paddingRight);
    return ctx.measureText(el.placeholder).width <= room;
  });

/** Holds `table` ACCESS EXCLUSIVE in a transaction of its own until `release()`. */
async function holdTable(table: string) {
  let release = () => {};
  const released = new Promise<void>((r) => {
    release = r;
  });
  let locked = () => {};
  const isLocked = new Promise<void>((r) => {
    locked = r;
  });
  const holder = prisma.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`LOCK TABLE "${table}" IN ACCESS EXCLUSIVE MODE`);
      locked();
      await released;
    },
    { timeout: 40_000, maxWait: 5_000 },
  );
  await Promise.race([isLocked, holder]);
  return {
    async release() {
      release();
      await holder;
    },
  };
}

/** `sessions` one-turn conversations served by a variant, the first `escalated` of them handed over. */
/** An experiment running since `startedAt`, half and half, as one starts: production serving its control. */
async function runningExperiment(name: string, controlId: string, treatmentId: string, startedAt: Date) {
  await prisma.modelAlias.upsert({
    where: { name: 'production' },
    create: { name: 'production', modelVersionId: controlId },
    update: { modelVersionId: controlId },
  });
  await prisma.experiment.create({
    data: {
      name,
      status: 'RUNNING',
      startedAt,
      variants: {
        create: [
          { name: 'control', modelVersionId: controlId, weight: 0.5 },
          { name: 'treatment', modelVersionId: treatmentId, weight: 0.5 },
        ],
      },
    },
  });
}

async function traffic(
  variant: string,
  modelVersionId: string,
  sessions: number,
  escalated: number,
  at: Date,
) {
  const conversations = Array.from({ length: sessions }, () => ({
    id: randomUUID(),
    sessionId: `exp-e2e-${randomUUID()}`,
  }));
  await prisma.conversation.createMany({ data: conversations });
  const messages = conversations.map((c) => ({
    id: randomUUID(),
    conversationId: c.id,
    seq: 0,
    role: 'USER' as const,
    text: 'where is my order',
    intent: 'track_order',
    confidence: 0.9,
    modelVersionId,
    variant,
    createdAt: at,
  }));
  await prisma.message.createMany({ data: messages });
  await prisma.escalation.createMany({
    data: messages.slice(0, escalated).map((m) => ({
      conversationId: m.conversationId,
      messageId: m.id,
      reason: 'REQUESTED' as const,
      summary: 'asked for a person',
      context: {},
    })),
  });
}

describe('experiments', () => {
  it('a page whose table a long change holds says so within seconds, and shows once asked again', async () => {
    const eli = await signedIn(browser, 'engineer');
    // As a migration does: the table held against every reader until it commits.
    const held = await holdTable('Experiment');
    try {
      const started = Date.now();
      await eli.goto(url('/experiments'));
      await eli.getByRole('heading', { name: 'This page could not be loaded' }).waitFor({ timeout: 20_000 });
      // The console's lock limit (10 s), not the database's statement limit or a hang.
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(await eli.getByRole('navigation', { name: 'Console' }).isVisible()).toBe(true);
      await checkPage(eli, 'page-error');
    } finally {
      await held.release();
    }
    await eli.getByRole('button', { name: 'Try again' }).click();
    await eli.getByRole('heading', { name: 'Experiments', level: 1 }).waitFor();

    // The console's own frame (who is signed in, read on every page) held the same way: the page says so too.
    const users = await holdTable('User');
    try {
      await eli.goto(url('/models'));
      await eli.getByRole('heading', { name: 'This page could not be loaded' }).waitFor({ timeout: 20_000 });
      await checkPage(eli, 'page-error-frame');
    } finally {
      await users.release();
    }
    await eli.getByRole('button', { name: 'Try again' }).click();
    await eli.getByRole('heading', { name: 'Model registry', level: 1 }).waitFor();
    await eli.context().close();
  });

  it('an engineer reads an A/B test with its sequential p-value and concludes it, production moving to the winner', async () => {
    const eli = await signedIn(browser, 'engineer');
    if ((await prisma.experiment.count()) === 0) {
      await eli.goto(url('/experiments'));
      await eli.getByText('No experiments yet').waitFor();
      await checkPage(eli, 'experiments-empty');
    }
    const control = await version('intent-exp-e2e-control');
    const treatment = await version('intent-exp-e2e-treatment');
    const startedAt = new Date(Date.now() - 2 * 3_600_000);
    await runningExperiment('exp-e2e', control.id, treatment.id, startedAt);
    const at = new Date(startedAt.getTime() + 60_000);
    await traffic('control', control.id, 400, 80, at);
    await traffic('treatment', treatment.id, 400, 40, at);

    await eli.goto(url('/experiments'));
    const section = eli.locator('section[data-experiment="exp-e2e"]');
    await section.waitFor();
    expect(await section.locator('tr[data-variant="treatment"]').textContent()).toMatch(
      /400 · 400.*10\.0 %.*−10\.0 pp/,
    );
    // The p-value is a detail; the verdict is the automatic check's, with its direction.
    expect(await section.getByTestId('sequential-treatment').textContent()).toMatch(/^0\.00\d$/);
    expect(await section.getByTestId('decision').textContent()).toMatch(
      /^Automatic check: "treatment" better on escalation rate: may promote \(winner on escalation rate 10\.0 % of 400/,
    );
    expect(await section.textContent()).toContain('Sample ratio fine');
    expect(await section.textContent()).toContain(
      `Running since ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
    );
    // One name per metric, in sentence case, wherever the page says it: header, primary metric, chart.
    expect(await section.locator('thead th').allTextContents()).toEqual(
      expect.arrayContaining(['Escalation rate', 'Positive feedback', 'Accuracy on reviewed turns']),
    );
    expect(await section.textContent()).toContain('Primary metric: Escalation rate (lower wins).');
    expect(await section.locator('figcaption').allTextContents()).toEqual([
      'Escalation rate (95 % interval)',
      'Positive feedback (95 % interval)',
      'Accuracy on reviewed turns (95 % interval)',
    ]);
    // The charts stand apart from the table above them, as blocks do on every other page.
    const [table, charts] = [
      await section.locator('table').boundingBox(),
      await section.locator('figure').first().boundingBox(),
    ];
    expect(table && charts && charts.y - (table.y + table.height)).toBeGreaterThanOrEqual(12);
    // The reason's placeholder is read whole, and the rule for it is said beside it.
    const why = section.getByLabel('Why');
    expect(await placeholderFits(why)).toBe(true);
    expect(await section.getByText('Stop and Conclude wait for a reason').textContent()).toContain(
      '3 characters or more',
    );
    const escalated = section.getByTestId('interval-chart-Escalation rate');
    await escalated.locator('.recharts-errorBar').first().waitFor();
    // Each whisker is centred on its bar's top (the rate lies inside its interval), not drawn mid-animation.
    const bars = await escalated.locator('.recharts-bar-rectangle path').all();
    const whiskers = await escalated.locator('.recharts-errorBar').all();
    expect(whiskers).toHaveLength(2);
    for (const [i, whisker] of whiskers.entries()) {
      const bar = await bars[i]?.boundingBox();
      const box = await whisker.boundingBox();
      expect(bar && box && Math.abs(box.y + box.height / 2 - bar.y)).toBeLessThan(4);
    }
    expect(await section.getByTestId('interval-chart-Accuracy on reviewed turns').textContent()).toContain(
      'No reviewed turns yet: accuracy appears once reviewers label turns of this experiment.',
    );
    // One at a time: in place of the form, what to do first.
    const form = eli.getByRole('region', { name: 'New experiment' });
    expect(await form.textContent()).toContain(
      'exp-e2e is running: stop or conclude it first (one at a time).',
    );
    expect(await eli.getByRole('button', { name: 'Start experiment' }).count()).toBe(0);
    await checkPage(eli, 'experiments');

    await section.getByLabel('Why').fill('half the escalations, sequential p < 0.05');
    await section.getByLabel('Winner').selectOption('treatment');
    await section.getByRole('button', { name: 'Conclude: production serves treatment' }).click();
    await section.getByText('concluded', { exact: true }).waitFor();
    await section.getByText('winner', { exact: true }).waitFor();
    // What the click did, said at the top of the page as a confirmation.
    expect(await eli.getByRole('status').filter({ hasText: 'exp-e2e concluded' }).textContent()).toBe(
      'exp-e2e concluded: production now serves treatment (intent-exp-e2e-treatment).',
    );
    const production = await prisma.modelAlias.findUniqueOrThrow({ where: { name: 'production' } });
    expect(production.modelVersionId).toBe(treatment.id);
    // Ended: its counts are no longer live, and the card says how old they are.
    expect(await section.getByTestId('counted-at').textContent()).toBe(' Results counted just now.');
    // The automatic check acts on running experiments only: an ended one says how it ended instead.
    expect(await section.getByTestId('decision').count()).toBe(0);
    expect(await section.getByTestId('ending').textContent()).toMatch(
      /^Concluded by engineer@example\.com at \d{4}-\d\d-\d\d \d\d:\d\d UTC: "treatment" won \(half the escalations, sequential p < 0\.05\)\.$/,
    );
    await checkPage(eli, 'experiments-concluded');
    await eli.context().close();
  });

  it('concluding after production moved on leaves production, stops the experiment and says why', async () => {
    const eli = await signedIn(browser, 'engineer');
    const control = await version('intent-exp-e2e-moved-control');
    const treatment = await version('intent-exp-e2e-moved-treatment');
    const retrained = await version('intent-exp-e2e-moved-retrained');
    const startedAt = new Date(Date.now() - 2 * 3_600_000);
    await runningExperiment('exp-e2e-moved', control.id, treatment.id, startedAt);
    const at = new Date(startedAt.getTime() + 60_000);
    await traffic('control', control.id, 200, 40, at);
    await traffic('treatment', treatment.id, 200, 20, at);
    // While it runs, a direct retrain promotes another version.
    await prisma.modelAlias.update({ where: { name: 'production' }, data: { modelVersionId: retrained.id } });

    await eli.goto(url('/experiments'));
    const section = eli.locator('section[data-experiment="exp-e2e-moved"]');
    await section.getByLabel('Why').fill('treatment escalates half as often');
    await section.getByLabel('Winner').selectOption('treatment');
    await section.getByRole('button', { name: 'Conclude: production serves treatment' }).click();

    const why =
      'production had moved to intent-exp-e2e-moved-retrained since experiment "exp-e2e-moved" started on intent-exp-e2e-moved-control, so the winner treatment (intent-exp-e2e-moved-treatment) was not promoted; promote it by hand (Models, or acsa models promote) if it should still go';
    // The person who clicked is told, as an alert (a look needed), not as a confirmation.
    const said = eli.getByRole('alert').filter({ hasText: 'exp-e2e-moved' });
    await said.waitFor();
    expect(await said.textContent()).toBe(`exp-e2e-moved stopped without a winner: ${why}.`);
    await section.getByText('stopped', { exact: true }).waitFor();
    expect(await section.getByText('winner', { exact: true }).count()).toBe(0);
    // And the experiment keeps saying why it stopped, for whoever opens the page later.
    const reason = section.getByTestId('stop-reason');
    await reason.waitFor();
    expect(await reason.textContent()).toMatch(
      /^Stopped without a winner: engineer@example\.com concluded it at \d{4}-\d\d-\d\d \d\d:\d\d UTC, but /,
    );
    expect(await reason.textContent()).toContain(`${why}.`);
    // Said once: no verdict of a check that no longer acts on it, and no second line for the same end.
    expect(await section.getByTestId('decision').count()).toBe(0);
    expect(await section.getByTestId('ending').count()).toBe(0);
    const production = await prisma.modelAlias.findUniqueOrThrow({ where: { name: 'production' } });
    expect(production.modelVersionId).toBe(retrained.id);
    await checkPage(eli, 'experiments-not-promoted');

    await eli.reload();
    await section.getByTestId('stop-reason').waitFor();
    expect(await eli.getByRole('alert').filter({ hasText: 'exp-e2e-moved' }).count()).toBe(0);
    await eli.context().close();
  });

  it('an engineer starts an experiment of a registered version against production, and it runs', async () => {
    const eli = await signedIn(browser, 'engineer');
    // Older than the 50 versions the form suggests: typed by its name, it is as good as a suggested one.
    const challenger = await prisma.modelVersion.update({
      where: { id: (await version('intent-exp-e2e-challenger')).id },
      data: { createdAt: new Date(Date.now() - 60 * 86_400_000) },
    });
    const newer = await prisma.modelVersion.createManyAndReturn({
      data: Array.from({ length: 50 }, (_, i) => ({
        version: `intent-exp-e2e-newer-${i}`,
        kind: 'student-int8',
        manifest: {},
        sha256: `intent-exp-e2e-newer-${i}`,
        sizeBytes: 1,
        featurizerVersion: 1,
        labels: ['a'],
        metrics: {},
        createdAt: new Date(Date.now() - 86_400_000 + i * 60_000),
      })),
      select: { id: true },
    });
    await eli.goto(url('/experiments'));
    const form = eli.getByRole('form', { name: 'New experiment' });
    await form.getByText('Guardrails are always on').waitFor();
    const challengerInput = form.getByRole('combobox', { name: 'Challenger', exact: true });
    expect(await form.locator(`option[value="${challenger.version}"]`).count()).toBe(0);
    // A name the rule refuses: the form says which field and why, in words.
    await form.getByLabel('Name').fill('My Test');
    await challengerInput.fill(challenger.version);
    await form.getByRole('button', { name: 'Start experiment' }).click();
    await expect
      .poll(() => form.getByRole('alert').textContent())
      .toBe('Name: lower-case letters, digits and dashes');
    // Next to the field it is about, and read with it.
    const nameInput = form.getByLabel('Name');
    expect(await nameInput.getAttribute('aria-invalid')).toBe('true');
    expect(await nameInput.getAttribute('aria-describedby')).toBe(
      await form.getByRole('alert').getAttribute('id'),
    );
    const [input, alert] = [await nameInput.boundingBox(), await form.getByRole('alert').boundingBox()];
    expect(alert && input && alert.y - (input.y + input.height)).toBeLessThan(24);
    expect(alert && input && Math.abs(alert.x - input.x)).toBeLessThan(4);
    await checkPage(eli, 'experiments-bad-name');
    await form.getByLabel('Name').fill('exp-e2e-ui');
    // A version name no version has: refused by the server, said under the field that named it.
    await challengerInput.fill('intent-exp-e2e-no-such');
    await form.getByRole('button', { name: 'Start experiment' }).click();
    await expect
      .poll(() => form.getByRole('alert').textContent())
      .toBe('Challenger: no model version "intent-exp-e2e-no-such"');
    expect(await challengerInput.getAttribute('aria-invalid')).toBe('true');
    expect(await challengerInput.getAttribute('aria-describedby')).toBe(
      await form.getByRole('alert').getAttribute('id'),
    );
    await checkPage(eli, 'experiments-bad-challenger');
    await challengerInput.fill(challenger.version);
    // The metrics by the names the results below use, each with the way it wins.
    expect(await form.getByLabel('Primary metric').locator('option').allTextContents()).toEqual([
      'Escalation rate (lower wins)',
      'Positive feedback (higher wins)',
      'Accuracy on reviewed turns (higher wins)',
    ]);
    await form.getByLabel('Challenger share (%)').fill('25');
    // Accuracy with automatic promotion: said before Start, which waits for another choice.
    await form.getByLabel('Primary metric').selectOption('accuracy');
    await form.getByLabel('Promote automatically when it wins').check();
    expect(await form.getByTestId('accuracy-auto-promote').textContent()).toMatch(
      /^Accuracy cannot promote automatically: each variant's reviewed turns are the ones its own model sent to review/,
    );
    expect(await form.getByRole('button', { name: 'Start experiment' }).isDisabled()).toBe(true);
    await checkPage(eli, 'experiments-accuracy-auto-promote');
    await form.getByLabel('Primary metric').selectOption('positive_feedback_rate');
    expect(await form.getByTestId('accuracy-auto-promote').count()).toBe(0);
    await form.getByRole('button', { name: 'Start experiment' }).click();
    const section = eli.locator('section[data-experiment="exp-e2e-ui"]');
    await section.getByText('running', { exact: true }).waitFor();
    expect(await section.textContent()).toContain('Primary metric: Positive feedback (higher wins).');
    expect(await section.locator('tr[data-variant="treatment"]').textContent()).toContain(
      'intent-exp-e2e-challenger · 25 %',
    );
    const row = await prisma.experiment.findUniqueOrThrow({
      where: { name: 'exp-e2e-ui' },
      include: { variants: true },
    });
    expect(row).toMatchObject({
      status: 'RUNNING',
      autoPromote: true,
      primaryMetric: 'positive_feedback_rate',
    });
    expect(await prisma.auditLog.count({ where: { action: 'experiment.create', targetId: row.id } })).toBe(1);
    await checkPage(eli, 'experiments-created');
    await eli.context().close();
    await prisma.modelVersion.deleteMany({ where: { id: { in: newer.map((v) => v.id) } } });
  });

  it('the experiments page says how many experiments it leaves out, and where every one is', async () => {
    // Older than any other spec's experiments: more than the page's 20 in all, whatever ran before. The
    // oldest still runs: however many came after, it is listed, first.
    const control = await version('intent-exp-e2e-old-control');
    const treatment = await version('intent-exp-e2e-old-treatment');
    const long = Date.now() - 30 * 86_400_000;
    for (let i = 0; i < 25; i++)
      await prisma.experiment.create({
        data: {
          name: `exp-e2e-old-${i}`,
          status: i === 0 ? 'RUNNING' : 'STOPPED',
          createdAt: new Date(long + i * 60_000),
          startedAt: new Date(long + i * 60_000),
          stoppedAt: i === 0 ? null : new Date(long + i * 60_000 + 30_000),
          variants: {
            create: [
              { name: 'control', modelVersionId: control.id, weight: 0.5 },
              { name: 'treatment', modelVersionId: treatment.id, weight: 0.5 },
            ],
          },
        },
      });
    try {
      const eli = await signedIn(browser, 'engineer');
      await eli.goto(url('/experiments'));
      const total = await prisma.experiment.count();
      // exp-e2e-ui, started by the test before, runs too.
      const running = await prisma.experiment.findMany({
        where: { status: 'RUNNING' },
        orderBy: { createdAt: 'desc' },
      });
      expect(running.map((e) => e.name)).toContain('exp-e2e-old-0');
      const runningLine =
        running.length === 1 ? 'The running experiment' : `The ${running.length} running experiments`;
      expect(await eli.getByTestId('experiments-shown').textContent()).toBe(
        `${runningLine} and the latest ${20 - running.length} others of ${total} experiments: acsa experiments list --limit ${total} lists every one, and acsa experiments show NAME gives one's results.`,
      );
      const sections = eli.locator('section[data-experiment]');
      expect(await sections.count()).toBe(20);
      const shown = await sections.evaluateAll((all) => all.map((s) => s.getAttribute('data-experiment')));
      expect(shown.slice(0, running.length)).toEqual(running.map((e) => e.name));
      expect(
        await eli
          .locator('section[data-experiment="exp-e2e-old-0"]')
          .getByText('running', { exact: true })
          .count(),
      ).toBe(1);
      await checkPage(eli, 'experiments-more');
      await eli.context().close();
    } finally {
      const where = { name: { startsWith: 'exp-e2e-old-' } };
      await prisma.experimentVariant.deleteMany({ where: { experiment: where } });
      await prisma.experiment.deleteMany({ where });
      await prisma.modelVersion.deleteMany({ where: { id: { in: [control.id, treatment.id] } } });
    }
  });
});
