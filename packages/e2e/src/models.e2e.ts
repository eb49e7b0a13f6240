import { createHash } from 'node:crypto';
import type { PrismaClient } from '@acsa/db';
import { moveAlias, registerModelVersion } from '@acsa/db/registry';
import type { TEvalSummary } from '@acsa/pipelines';
import type { Browser } from 'playwright-core';
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
  await prisma?.$disconnect();
});

const summary = (accuracy: number, f1: Record<string, number>, confusions: TEvalSummary['confusions']) => ({
  n: 240,
  accuracy,
  macroF1: accuracy - 0.02,
  inScopeAccuracy: accuracy,
  oosRecall: accuracy - 0.12,
  ece: 0.03,
  sizeBytes: 900_000,
  p50LatencyMs: 0.05,
  p99LatencyMs: 0.2,
  p50EndToEndMs: 0.1,
  perIntent: Object.entries(f1).map(([intent, v]) => ({
    intent,
    support: 8,
    precision: v,
    recall: v,
    f1: v,
  })),
  confusions,
});

async function register(
  version: string,
  dev: number,
  extra: { trainingRunId?: string; parent?: string } = {},
) {
  const onnx = new TextEncoder().encode(`e2e bytes of ${version}`);
  return registerModelVersion(prisma, {
    version,
    kind: 'student-int8',
    manifest: {
      model: { sha256: createHash('sha256').update(onnx).digest('hex') },
      labels: ['track_order', 'get_refund', 'cancel_order'],
      featurizer: { version: 1 },
      metrics: { dev: { accuracy: dev, macroF1: dev - 0.01, oosRecall: 0.72 } },
    },
    onnx,
    trainingRunId: extra.trainingRunId ?? null,
    parentVersionId: extra.parent ?? null,
  });
}

/** What the trainer leaves behind: v1 in production, and a retrain whose candidate v2 was judged beside it. */
async function seedRegistry() {
  const v1 = await register('intent-e2e-v1', 0.86);
  await moveAlias(prisma, {
    alias: 'production',
    toVersionId: v1.id,
    kind: 'PROMOTE',
    actor: { type: 'SYSTEM', display: 'system:bootstrap' },
    reason: 'first model',
  });
  const run = await prisma.trainingRun.create({
    data: {
      trigger: 'LABELS',
      mode: 'NONE',
      status: 'SUCCEEDED',
      gate: { candidate: { accuracy: 0.91 } },
      // As every path that ends a run writes it: the runs list shows when it finished.
      finishedAt: new Date(),
    },
  });
  await prisma.trainingStep.createMany({
    data: [
      {
        runId: run.id,
        name: 'snapshot',
        position: 0,
        status: 'SUCCEEDED',
        output: {
          datasetVersionId: run.id,
          datasetVersion: 2,
          dir: '/tmp/e2e',
          dataFile: '/tmp/e2e/data.jsonl',
          testFile: '/tmp/e2e/test.jsonl',
          production: { versionId: v1.id, version: v1.version, bundleDir: '/tmp/e2e/p' },
          training: { teacher: {}, student: {}, seed: 1 },
          counts: { train: 1, dev: 1, test: 240, labels: 12, heldBack: 0, testFrozenFrom: null },
        },
      },
      {
        runId: run.id,
        name: 'evaluate',
        position: 2,
        status: 'SUCCEEDED',
        output: {
          testRows: 240,
          candidate: summary(0.91, { track_order: 0.97, get_refund: 0.84, cancel_order: 0.9 }, [
            { gold: 'get_refund', predicted: 'cancel_order', n: 2 },
          ]),
          production: summary(0.86, { track_order: 0.96, get_refund: 0.7, cancel_order: 0.9 }, [
            { gold: 'get_refund', predicted: 'cancel_order', n: 7 },
          ]),
        },
      },
    ],
  });
  return register('intent-e2e-v2', 0.89, { trainingRunId: run.id, parent: v1.id });
}

const production = async () =>
  (await prisma.modelAlias.findUnique({ where: { name: 'production' }, include: { modelVersion: true } }))
    ?.modelVersion.version;

describe('the model registry', () => {
  it('an engineer compares a candidate with production, promotes it with a reason, and rolls it back', async () => {
    const eli = await signedIn(browser, 'engineer');
    if ((await prisma.modelVersion.count()) === 0) {
      await eli.goto(url('/models'));
      await eli.getByText('No model versions registered yet').waitFor();
      await checkPage(eli, 'models-empty');
    }
    await seedRegistry();
    await eli.goto(url('/models'));
    await eli.getByRole('rowheader', { name: 'production' }).waitFor();
    // The production version offers no "Promote…" (nothing would move); it says it is in production.
    const productionRow = eli.locator('tr[data-version="intent-e2e-v1"]');
    expect(await productionRow.getByRole('button', { name: /^Promote/ }).count()).toBe(0);
    await productionRow.getByText('in production').waitFor();
    await eli.getByRole('button', { name: 'Promote intent-e2e-v2…' }).waitFor();
    // The versions table fits 1280 px, each date on one line.
    const versions = eli.locator('section[aria-labelledby="versions"]');
    expect(
      await versions.evaluate((s) => (s.querySelector('table') as HTMLElement).scrollWidth <= s.clientWidth),
    ).toBe(true);
    const lines = (td: Element) => {
      const range = document.createRange();
      range.selectNodeContents(td);
      return new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top))).size;
    };
    const cells = eli.locator('tr[data-version="intent-e2e-v2"] td');
    expect(await cells.nth(1).evaluate(lines)).toBe(1); // created
    expect(await cells.nth(2).evaluate(lines)).toBe(1); // size
    await checkPage(eli, 'models');

    // Compare from the candidate's row: the run measured both on the same rows.
    await eli
      .locator('tr[data-version="intent-e2e-v2"]')
      .getByRole('link', { name: 'vs production' })
      .click();
    await eli.getByRole('heading', { name: 'intent-e2e-v1 → intent-e2e-v2' }).waitFor();
    expect(await eli.getByTestId('basis').textContent()).toMatch(/same frozen test rows.*240 test rows/);
    const accuracy = eli.getByRole('row', { name: /^Accuracy/ });
    // Row labels are row headers in the body text's weight, not the small grey column-header style.
    const accuracyHeader = accuracy.getByRole('rowheader', { name: 'Accuracy' });
    expect(await accuracyHeader.evaluate((th) => getComputedStyle(th).fontWeight)).toBe('400');
    expect(await accuracy.textContent()).toContain('+5.0 pp');
    // Per-intent: the biggest move (get_refund +14 pp) first.
    const firstIntent = eli.locator('section[aria-labelledby="per-intent"] tbody tr').first();
    expect(await firstIntent.textContent()).toMatch(/get_refund.*\+14\.0 pp/);
    expect(await eli.locator('section[aria-labelledby="confusions"] tbody tr').first().textContent()).toMatch(
      /get_refund.*cancel_order.*5 fewer/,
    );
    await checkPage(eli, 'models-compare');

    // Promote: the dialog names the move and will not confirm without a reason.
    await eli.goto(url('/models'));
    await eli.getByRole('button', { name: 'Promote intent-e2e-v2…' }).click();
    const dialog = eli.getByRole('dialog');
    expect(await dialog.getByTestId('move-summary').textContent()).toBe(
      'production: intent-e2e-v1 → intent-e2e-v2',
    );
    const confirm = dialog.getByRole('button', { name: 'Confirm: production → intent-e2e-v2' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('Why (kept in the alias history)').fill('refund F1 +14 pp on the same test rows');
    await checkPage(eli, 'models-promote-dialog');
    await eli.keyboard.press('Control+Enter');
    await eli.getByRole('status').filter({ hasText: 'production: intent-e2e-v1 → intent-e2e-v2' }).waitFor();
    expect(await production()).toBe('intent-e2e-v2');
    // Only the move's own entry: an experiment running meanwhile is stopped by it, under the same reason.
    await eli
      .getByRole('listitem')
      .filter({ hasText: 'refund F1 +14 pp on the same test rows' })
      .filter({ hasText: /production promote:/ })
      .waitFor();
    await checkPage(eli, 'models-promoted');

    // Roll back from the alias row: one move back, to v1.
    await eli.getByRole('button', { name: 'Roll back production…' }).click();
    await eli
      .getByRole('dialog')
      .getByLabel('Why (kept in the alias history)')
      .fill('complaints about refunds');
    await eli
      .getByRole('dialog')
      .getByRole('button', { name: 'Confirm: production → intent-e2e-v1' })
      .click();
    await eli.getByRole('status').filter({ hasText: 'production: intent-e2e-v2 → intent-e2e-v1' }).waitFor();
    expect(await production()).toBe('intent-e2e-v1');
    // Only this test's moves: a retrain in another spec may have moved production before it.
    const history = await prisma.aliasHistory.findMany({
      where: { alias: 'production', toVersion: { version: { startsWith: 'intent-e2e-' } } },
      orderBy: { id: 'asc' },
    });
    expect(history.map((h) => [h.kind, h.actor, h.reason])).toEqual([
      ['PROMOTE', 'system:bootstrap', 'first model'],
      ['PROMOTE', 'engineer@example.com', 'refund F1 +14 pp on the same test rows'],
      ['ROLLBACK', 'engineer@example.com', 'complaints about refunds'],
    ]);
    await eli
      .getByRole('listitem')
      .filter({ hasText: 'complaints about refunds' })
      .filter({ hasText: /production rollback:/ })
      .waitFor();
    await checkPage(eli, 'models-rolled-back');

    // Production moved elsewhere (the CLI, a run, a colleague) while the page is open: the Aliases table
    // follows without a reload.
    const aliasRow = eli.locator('tr', { has: eli.getByRole('rowheader', { name: 'production' }) });
    expect(await aliasRow.locator('td').first().textContent()).toBe('intent-e2e-v1');
    const v2 = await prisma.modelVersion.findUniqueOrThrow({ where: { version: 'intent-e2e-v2' } });
    const v1 = await prisma.modelVersion.findUniqueOrThrow({ where: { version: 'intent-e2e-v1' } });
    const cli = { type: 'USER' as const, display: 'cli:engineer@example.com' };
    await moveAlias(prisma, {
      alias: 'production',
      toVersionId: v2.id,
      kind: 'PROMOTE',
      actor: cli,
      reason: 'from the CLI',
    });
    await expect
      .poll(() => aliasRow.locator('td').first().textContent(), { timeout: 10_000 })
      .toBe('intent-e2e-v2');
    await moveAlias(prisma, {
      alias: 'production',
      toVersionId: v1.id,
      kind: 'ROLLBACK',
      actor: cli,
      reason: 'back',
    });
    await expect
      .poll(() => aliasRow.locator('td').first().textContent(), { timeout: 10_000 })
      .toBe('intent-e2e-v1');
    await eli.context().close();

    // Reviewers neither see the page nor may move an alias through the API.
    const rae = await signedIn(browser, 'reviewer');
    const res = await rae.request.post(url('/api/trpc/models.promote'), {
      data: {
        json: {
          alias: 'production',
          version: 'intent-e2e-v2',
          reason: 'sneaky',
          expectedFrom: 'intent-e2e-v1',
        },
      },
    });
    expect(res.status()).toBe(403);
    expect(await production()).toBe('intent-e2e-v1');
    await rae.context().close();
  });

  it('the versions table and the alias history say how many they leave out', async () => {
    // Older than any other spec's versions, and moves of an alias of their own: more than the page's 50
    // versions and 100 moves in all, whatever ran before.
    const long = Date.now() - 30 * 86_400_000;
    const versions = await prisma.modelVersion.createManyAndReturn({
      data: Array.from({ length: 55 }, (_, i) => ({
        version: `intent-e2e-old-${i}`,
        kind: 'student-int8',
        manifest: {},
        sha256: `e2e-old-${i}`,
        sizeBytes: 900_000,
        featurizerVersion: 1,
        labels: ['track_order'],
        metrics: {},
        createdAt: new Date(long + i * 60_000),
      })),
      select: { id: true },
    });
    const ids = versions.map((v) => v.id);
    await prisma.aliasHistory.createMany({
      data: Array.from({ length: 105 }, (_, i) => ({
        alias: 'e2e-history',
        kind: 'PROMOTE' as const,
        fromVersionId: ids[i % ids.length] ?? null,
        toVersionId: ids[(i + 1) % ids.length] ?? null,
        actor: 'system:e2e',
        at: new Date(long + i * 60_000),
      })),
    });
    try {
      const eli = await signedIn(browser, 'engineer');
      await eli.goto(url('/models'));
      const total = await prisma.modelVersion.count();
      expect(await eli.getByTestId('versions-shown').textContent()).toBe(
        `The latest 50 of ${total} versions: acsa models list --limit ${total} lists every one.`,
      );
      expect(await eli.locator('section[aria-labelledby="versions"] tbody tr').count()).toBe(50);
      expect(await eli.getByTestId('history-shown').textContent()).toBe(
        `The latest 100 of ${await prisma.aliasHistory.count()} moves.`,
      );
      expect(await eli.locator('section[aria-labelledby="history"] li').count()).toBe(100);
      await checkPage(eli, 'models-more');
      await eli.context().close();
    } finally {
      await prisma.aliasHistory.deleteMany({ where: { alias: 'e2e-history' } });
      await prisma.modelVersion.deleteMany({ where: { id: { in: ids } } });
    }
  });

  it('the compare form takes any registered version by its name, older than the table shows', async () => {
    // Older than any other spec's versions: the oldest is past the 50 the page lists.
    const long = Date.now() - 60 * 86_400_000;
    const versions = await prisma.modelVersion.createManyAndReturn({
      data: Array.from({ length: 55 }, (_, i) => ({
        version: `intent-e2e-cmp-old-${i}`,
        kind: 'student-int8',
        manifest: {},
        sha256: `e2e-cmp-old-${i}`,
        sizeBytes: 900_000,
        featurizerVersion: 1,
        labels: ['track_order'],
        metrics: { dev: { accuracy: 0.8 + i / 1000, macroF1: 0.78, oosRecall: 0.7 } },
        createdAt: new Date(long + i * 60_000),
      })),
      select: { id: true },
    });
    try {
      const eli = await signedIn(browser, 'engineer');
      await eli.goto(url('/models'));
      expect(await eli.locator('tr[data-version="intent-e2e-cmp-old-0"]').count()).toBe(0);
      const form = eli.locator('section[aria-labelledby="compare"]');
      await form.getByLabel('Base').fill('intent-e2e-cmp-old-0');
      await form.getByLabel('Candidate').fill('intent-e2e-cmp-old-54');
      await checkPage(eli, 'models-compare-any');
      await form.getByRole('button', { name: 'Compare' }).click();
      await eli.getByRole('heading', { name: 'intent-e2e-cmp-old-0 → intent-e2e-cmp-old-54' }).waitFor();
      expect(await eli.getByRole('row', { name: /^Accuracy/ }).textContent()).toContain('+5.4 pp');
      // The form on the comparison holds the two names it compared.
      expect(await eli.getByLabel('Base').inputValue()).toBe('intent-e2e-cmp-old-0');
      expect(await eli.getByLabel('Candidate').inputValue()).toBe('intent-e2e-cmp-old-54');
      // A name no version has is refused by the server, saying which.
      await eli.getByLabel('Candidate').fill('intent-e2e-no-such');
      await eli.getByRole('button', { name: 'Compare' }).click();
      expect(await eli.locator('p[role="alert"]').textContent()).toBe(
        'no model version "intent-e2e-no-such"',
      );
      await eli.context().close();
    } finally {
      await prisma.modelVersion.deleteMany({ where: { id: { in: versions.map((v) => v.id) } } });
    }
  });
  it('rolling back production while an experiment runs says first that it stops the experiment, and stops it', async () => {
    const [a, b] = [await register('intent-e2e-exp-a', 0.88), await register('intent-e2e-exp-b', 0.87)];
    const ops = { type: 'SYSTEM' as const, display: 'system:e2e' };
    for (const to of [a, b])
      await moveAlias(prisma, { alias: 'production', toVersionId: to.id, kind: 'PROMOTE', actor: ops });
    // Serving sends every session to the variants now; production (b) answers no one.
    const exp = await prisma.experiment.create({
      data: {
        name: 'e2e-models-running',
        status: 'RUNNING',
        startedAt: new Date(),
        variants: {
          create: [
            { name: 'control', modelVersionId: b.id, weight: 0.5 },
            { name: 'treatment', modelVersionId: a.id, weight: 0.5 },
          ],
        },
      },
    });
    const eli = await signedIn(browser, 'engineer');
    await eli.goto(url('/models'));
    // Said whether or not any replica reports (here none does): the experiment is the registry's.
    const panel = eli.getByTestId('replicas-experiment');
    await panel.waitFor();
    expect(await panel.textContent()).toBe(
      'Experiment e2e-models-running is running: its variants answer every session, and production takes no traffic until it ends. Promoting or rolling back production stops it.',
    );
    await eli.getByRole('button', { name: 'Roll back production…' }).click();
    const dialog = eli.getByRole('dialog');
    expect(await dialog.getByTestId('move-stops-experiment').textContent()).toBe(
      'Experiment e2e-models-running is running and sends all traffic to its variants: this will stop it.',
    );
    await dialog.getByLabel('Why (kept in the alias history)').fill('b answers refunds badly');
    await checkPage(eli, 'models-rollback-stops-experiment');
    await dialog.getByRole('button', { name: 'Confirm: production → intent-e2e-exp-a' }).click();
    await eli
      .getByRole('status')
      .filter({
        hasText: 'production: intent-e2e-exp-b → intent-e2e-exp-a; experiment e2e-models-running stopped',
      })
      .waitFor();
    expect(await production()).toBe('intent-e2e-exp-a');
    expect(await prisma.experiment.findUniqueOrThrow({ where: { id: exp.id } })).toMatchObject({
      status: 'STOPPED',
    });
    await eli.context().close();
  });
  it('a move of production waits while the running experiment cannot be checked, says why, and checks again', async () => {
    const [a, b] = [await register('intent-e2e-chk-a', 0.88), await register('intent-e2e-chk-b', 0.87)];
    const ops = { type: 'SYSTEM' as const, display: 'system:e2e' };
    for (const to of [a, b])
      await moveAlias(prisma, { alias: 'production', toVersionId: to.id, kind: 'PROMOTE', actor: ops });
    const eli = await signedIn(browser, 'engineer');
    let failing = true;
    await eli.route(/\/api\/trpc\/[^?]*models\.replicas/, async (route) => {
      if (failing) await route.fulfill({ status: 503, contentType: 'text/plain', body: 'unavailable' });
      else await route.continue();
    });
    try {
      await eli.goto(url('/models'));
      await eli.getByRole('button', { name: 'Roll back production…' }).click();
      const dialog = eli.getByRole('dialog');
      await dialog.getByLabel('Why (kept in the alias history)').fill('b answers refunds badly');
      // The query retries a few times before it gives up; then the failure is said, not "Checking…".
      const failed = dialog.getByTestId('move-experiment-check-failed');
      await failed.waitFor({ timeout: 20_000 });
      expect(await failed.locator('p').textContent()).toMatch(
        /^Could not check whether an experiment is running \(.+\)\. Moving production stops a running experiment, so this move waits until the check works\.$/,
      );
      const confirm = dialog.getByRole('button', { name: 'Confirm: production → intent-e2e-chk-a' });
      expect(await confirm.isDisabled()).toBe(true);
      // Still said a poll later: the failure does not turn back into "Checking…" while the query retries.
      await eli.waitForTimeout(2_500);
      expect(await dialog.getByText('Checking whether an experiment is running…').count()).toBe(0);
      expect(await failed.count()).toBe(1);
      await checkPage(eli, 'models-move-check-failed');

      // Check again while the reads still fail: it asks, and the failure stays said, ready to be asked again.
      const again = failed.getByRole('button', { name: 'Check again' });
      await again.click();
      await expect.poll(() => again.isEnabled(), { timeout: 20_000 }).toBe(true);
      expect(await failed.count()).toBe(1);
      expect(await confirm.isDisabled()).toBe(true);
      // Reads answer again: the next one (the panel polls every 2 s; clicking now could race it) clears it.
      failing = false;
      await failed.waitFor({ state: 'detached', timeout: 20_000 });
      await expect.poll(() => confirm.isDisabled(), { timeout: 20_000 }).toBe(false);
      expect(await dialog.getByTestId('move-stops-experiment').count()).toBe(0);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
    } finally {
      await eli.context().close();
    }
  });
});
