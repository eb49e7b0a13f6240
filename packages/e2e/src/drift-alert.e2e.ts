import type { PrismaClient } from '@acsa/db';
import { registerModelVersion } from '@acsa/db/registry';
import { IntentClassifier, readBundle } from '@acsa/ml/onnx';
import type { TDriftAlert } from '@acsa/pipelines';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The trainer's own drift check, its test model and its turn fixtures: what this spec drives is the
// computation the drift job runs, on turns the model really answered, not figures written by hand.
import { insertTurns } from '../../../apps/trainer/src/analytics/turn-fixtures.ts';
import { offTopicTexts } from '../../../apps/trainer/src/drift/off-topic.ts';
import { runDriftCheck } from '../../../apps/trainer/src/drift/run-drift-check.ts';
import { ensureSmallBundle, smallCorpus } from '../../../apps/trainer/test/small-bundle.ts';
import { checkPage, launch, signedIn, url } from './browser.ts';
import { testPrisma } from './database.ts';

const H = 3_600_000;
const VERSION = 'intent-ood-e2e';
// Two complete hours before now: shop questions in the first, questions from another domain in the second.
const base = Math.floor((Date.now() - 120_000) / H) * H - 2 * H;
const windows = [
  { start: new Date(base), end: new Date(base + H) },
  { start: new Date(base + H), end: new Date(base + 2 * H) },
] as const;

let browser: Browser;
let prisma: PrismaClient;
let versionId: string;
let model: IntentClassifier;
beforeAll(async () => {
  browser = await launch();
  prisma = testPrisma();
  // The trainer tests' model, cached in var/test-models; a fresh checkout trains it once (within hookTimeout).
  const bundle = readBundle(await ensureSmallBundle());
  // Checked by id, never through the production alias: the other specs share this database's aliases.
  versionId = (
    await registerModelVersion(prisma, {
      version: VERSION,
      kind: 'student-int8',
      manifest: bundle.manifest,
      onnx: bundle.onnx,
    })
  ).id;
  model = await IntentClassifier.fromBundle(bundle);
});
afterAll(async () => {
  await browser?.close();
  await prisma?.$disconnect();
});

/** The texts as customer turns the model answered, spread over the window, as serving writes them. */
async function serve(texts: string[], from: number) {
  const predictions = await model.predict(texts);
  await insertTurns(
    prisma,
    texts.map((text, i) => {
      const p = predictions[i]!;
      return {
        text,
        intent: p.outOfScope ? 'out_of_scope' : p.intent,
        confidence: p.confidence,
        topK: p.topK,
        outOfScope: p.outOfScope,
        modelVersionId: versionId,
        at: new Date(from + Math.floor((i / texts.length) * (H - 1000))),
      };
    }),
  );
}

describe('drift alert', () => {
  it('traffic unlike the training data makes the drift check alert, and the engineer sees why on the drift page', async () => {
    await serve(
      smallCorpus()
        .filter((r) => r.split === 'test')
        .map((r) => r.text),
      windows[0].start.getTime(),
    );
    await serve(offTopicTexts(), windows[1].start.getTime());
    const alerts: TDriftAlert[] = [];
    for (const w of windows)
      await runDriftCheck({
        prisma,
        modelVersionId: versionId,
        windowStart: w.start,
        windowEnd: w.end,
        onAlert: (a) => {
          alerts.push(a);
        },
      });
    expect(alerts.map((a) => [a.modelVersion, a.windowStart])).toEqual([
      [VERSION, windows[1].start.toISOString()],
    ]);

    const eli = await signedIn(browser, 'engineer');
    await eli.goto(url('/drift'));
    const section = eli.locator(`section[data-version="${VERSION}"]`);
    await section.getByText('1 alert').waitFor();
    await section.getByText('Every window (2)').click();
    const [shifted, quiet] = await section.locator('tbody tr').allTextContents();
    // The off-topic hour: its intents, confidences, lengths and words all moved past their thresholds.
    // Named for people, names only in the table; each with its figures on hover.
    for (const name of ['intent mix', 'confidence shift', 'message length', 'unknown words'])
      expect(shifted).toContain(name);
    expect(shifted).not.toContain('intentPsi');
    expect(quiet).toMatch(/—$/);
    const why = await section
      .locator('tbody tr')
      .first()
      .locator('td')
      .last()
      .locator('span')
      .getAttribute('title');
    expect(why).toMatch(/intent mix \(PSI\) \d+\.\d{2} > \d\.\d{2}/);
    expect(why).toMatch(/unknown words [\d.]+ % > [\d.]+ %/);
    for (const name of ['confidence shift (KS)', 'message length (KS)'])
      expect(why).toMatch(new RegExp(`${name.replace(/[()]/g, '\\$&')} 0\\.\\d{2,3} > 0\\.\\d{2,3}`));
    await checkPage(eli, 'drift-alert');
    await eli.context().close();
  });

  it('the engineer chooses the alerting window, sees its distributions, and retrains from the alert', async () => {
    const reportOf = (w: { start: Date }) =>
      prisma.driftReport.findUniqueOrThrow({
        where: { modelVersionId_windowStart: { modelVersionId: versionId, windowStart: w.start } },
      });
    const quietReport = await reportOf(windows[0]);
    const shiftedReport = await reportOf(windows[1]);
    // One run at a time: a run another spec left active would be returned instead of a new one.
    await prisma.trainingRun.updateMany({
      where: { status: { in: ['QUEUED', 'RUNNING'] } },
      data: { status: 'CANCELLED', finishedAt: new Date() },
    });
    const eli = await signedIn(browser, 'engineer');
    await eli.goto(url('/drift'));
    const section = eli.locator(`section[data-version="${VERSION}"]`);
    const table = section.locator('details');
    if ((await table.getAttribute('open')) === null) await section.getByText('Every window (2)').click();
    const linkTo = (w: { start: Date }) =>
      section.getByRole('link', { name: `${w.start.toISOString().replace('T', ' ').slice(0, 16)} UTC` });

    // By keyboard: the quiet hour, which has nothing to retrain from.
    await linkTo(windows[0]).focus();
    await eli.keyboard.press('Enter');
    await eli.waitForURL((u) => u.searchParams.get('window') === quietReport.id);
    const panel = eli.locator(`section[data-window="${quietReport.id}"]`);
    await panel.getByText('Every figure is within its threshold.').waitFor();
    expect(await panel.getByRole('button', { name: 'Retrain from this alert' }).count()).toBe(0);

    await linkTo(windows[1]).click();
    await eli.waitForURL((u) => u.searchParams.get('window') === shiftedReport.id);
    const alerting = eli.locator(`section[data-window="${shiftedReport.id}"]`);
    await alerting.getByText('alert', { exact: true }).waitFor();
    const over = await alerting.getByRole('list', { name: 'Over threshold' }).textContent();
    expect(over).toMatch(/intent mix \(PSI\) \d+\.\d{2} > \d\.\d{2}/);
    expect(over).toMatch(/confidence shift \(KS\) 0\.\d{2,3} > 0\.\d{2,3}/);
    expect(await alerting.textContent()).toMatch(
      /Confidence: PSI \d+\.\d{3} \(threshold [\d.]+\), KS D 0\.\d{3}, p < 0\.0001/,
    );
    // Reference and live bars for the intents and both histograms.
    for (const id of ['intent-shares', 'confidence-histogram', 'length-histogram']) {
      const chart = alerting.getByTestId(id);
      await expect.poll(() => chart.locator('.recharts-bar-rectangle').count()).toBeGreaterThan(4);
      expect(await chart.locator('.recharts-legend-item').allTextContents()).toEqual(['reference', 'live']);
    }
    expect(await alerting.getByTestId('intent-shares').textContent()).toContain('<out-of-scope>');
    await checkPage(eli, 'drift-window');

    await alerting.getByRole('button', { name: 'Retrain from this alert' }).click();
    const status = alerting.getByRole('status');
    await status.getByText('Retraining run started from this alert').waitFor();
    const href = (await status.getByRole('link').getAttribute('href')) ?? '';
    const runId = href.split('/').pop() ?? '';
    const run = await prisma.trainingRun.findUniqueOrThrow({ where: { id: runId }, include: { logs: true } });
    expect(run).toMatchObject({ trigger: 'DRIFT', status: 'QUEUED' });
    expect(run.logs[0]?.message).toContain(`retrain from drift report ${shiftedReport.id}`);
    expect(
      await prisma.auditLog.count({
        where: { action: 'drift.retrain', targetType: 'DriftReport', targetId: shiftedReport.id },
      }),
    ).toBe(1);
    await checkPage(eli, 'drift-retrain');

    // The page says a run from this alert is active instead of offering a second one.
    await eli.reload();
    await alerting.getByText('A retraining run from this alert is queued').waitFor();
    expect(await alerting.getByRole('button', { name: 'Retrain from this alert' }).count()).toBe(0);

    // The run says it came from drift; cancelled so no spec after this one meets an active run.
    const link = alerting.getByRole('link', { name: `run ${runId.slice(-8)}` });
    expect(await link.getAttribute('href')).toBe(`/runs/${runId}`);
    await eli.goto(url(`/runs/${runId}`));
    // Followed live (as the runs spec waits): the cancel button acts only once the page is hydrated.
    await eli.getByText('live', { exact: true }).waitFor();
    await eli.getByText(/^drift \(engineer@/).waitFor();
    await eli
      .getByRole('log')
      .getByText(`retrain from drift report ${shiftedReport.id}`, { exact: false })
      .waitFor();
    await eli.getByLabel('Why cancel').fill('end of the test');
    await eli.getByRole('button', { name: 'Cancel run' }).click();
    await expect.poll(() => eli.getByTestId('run-status').textContent()).toBe('cancelled');
    await eli.context().close();
  });
});
