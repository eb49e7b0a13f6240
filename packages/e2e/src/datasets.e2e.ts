import type { PrismaClient } from '@acsa/db';
import { newLabelsSinceRetrain } from '@acsa/pipelines/learning-data';
import { makeConversation } from '@acsa/pipelines/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { seedBootstrapCorpus } from '../../../prisma/seed/corpus.ts';
import { checkPage, launch, signedIn, url } from './browser.ts';
import { testPrisma } from './database.ts';
import { startTrainer, type TTrainerProcess } from './trainer-process.ts';

let browser: Browser;
let prisma: PrismaClient;
let trainer: TTrainerProcess | undefined;
beforeAll(async () => {
  browser = await launch();
  prisma = testPrisma();
});
afterAll(async () => {
  await trainer?.stop();
  await browser?.close();
  await prisma?.$disconnect();
});

const LABELED = [
  'could you ship it to my office instead',
  'need a copy of the bill for 10042',
  'good morning!',
];

describe('labels become data', () => {
  it('labels given in the browser -> the retrain button -> the snapshot holds them -> the gate decides', async () => {
    const eli = await signedIn(browser, 'engineer');
    await eli.goto(url('/datasets'));
    // Spec files share the suite's database and run in any order: the empty state is there unless another
    // spec stored a dataset version first.
    if ((await prisma.datasetVersion.count()) === 0) {
      await eli.getByText('No dataset versions yet').waitFor();
      await checkPage(eli, 'datasets-empty');
    }

    // The bootstrap corpus (small), and three turns a reviewer labels with the keyboard.
    await seedBootstrapCorpus(prisma, { seed: 1, perIntent: 20 });
    await prisma.reviewItem.deleteMany();
    await prisma.reviewSettings.update({ where: { id: 1 }, data: { overlapShare: 0 } });
    for (const text of LABELED)
      await makeConversation(prisma, [{ text, intent: 'track_order', confidence: 0.35 }]);
    const rae = await signedIn(browser, 'reviewer');
    await rae.goto(url('/review/label'));
    for (const intent of ['change_shipping_address', 'get_invoice', 'greeting']) {
      await rae.locator('[data-review-item]').waitFor();
      await rae.keyboard.press('/');
      await rae.getByRole('combobox').fill(intent);
      await rae.keyboard.press('Enter');
      await expect.poll(() => rae.getByTestId('picked').textContent()).toBe(intent);
      await rae.keyboard.press('Enter');
    }
    await rae.getByText('Nothing left to label').waitFor();
    await expect.poll(() => rae.getByTestId('saving').textContent()).toBe('all saved');
    // Reviewers see the count too, without the button (and the procedure refuses them).
    await rae.goto(url('/review'));
    await rae.getByTestId('new-labels').waitFor();
    expect(await rae.getByRole('button', { name: 'Retrain now' }).count()).toBe(0);
    expect((await rae.request.post(url('/api/trpc/learningData.retrain'), { data: {} })).status()).toBe(403);
    await rae.context().close();

    await eli.reload();
    await eli.getByRole('cell', { name: /bootstrap v1/ }).waitFor();
    // Counted as the trainer's label trigger counts: since the last run that could have used them.
    const { count } = await newLabelsSinceRetrain(prisma);
    expect(count).toBeGreaterThanOrEqual(LABELED.length);
    expect(await eli.getByTestId('new-labels').textContent()).toBe(`${count} new labels`);
    await checkPage(eli, 'datasets');

    trainer = await startTrainer({ databaseUrl: inject('databaseUrl'), queuePrefix: inject('queuePrefix') });
    await eli.getByLabel('Training size').selectOption('small');
    await eli.getByRole('button', { name: 'Retrain now' }).click();
    await eli.getByTestId('run').waitFor();
    await expect.poll(() => eli.getByTestId('new-labels').textContent()).toBe('0 new labels');
    await eli.getByTestId('gate').waitFor({ timeout: 240_000 });
    await checkPage(eli, 'datasets-retrain-done');

    // The run's snapshot holds the three labels, as training examples from reviewers.
    const run = await prisma.trainingRun.findFirstOrThrow({
      where: { requestedBy: { email: 'engineer@example.com' } },
      orderBy: { createdAt: 'desc' },
      include: { requestedBy: true },
    });
    expect(run).toMatchObject({ trigger: 'MANUAL', requestedBy: { email: 'engineer@example.com' } });
    expect(['SUCCEEDED', 'REJECTED']).toContain(run.status);
    const fromLabels = await prisma.example.findMany({
      where: { datasetVersionId: run.datasetVersionId!, source: 'LABEL' },
      select: { text: true, intent: true },
    });
    // Other specs' labels (same database) are in it too; these three are, with the intents given.
    expect(fromLabels.map((e) => [e.text, e.intent])).toEqual(
      expect.arrayContaining([
        [LABELED[0], 'change_shipping_address'],
        [LABELED[1], 'get_invoice'],
        [LABELED[2], 'greeting'],
      ]),
    );
    const shown = await eli.getByTestId('run').textContent();
    expect(shown).toContain(`${fromLabels.length} of them from reviewers' labels`);
    const gate = (await eli.getByTestId('gate').textContent()) ?? '';
    expect(gate).toMatch(run.gatePassed ? /^Gate passed/ : /^Gate refused/);
    // The candidate's accuracy is said once, at one precision; a missed floor as "below the N % floor".
    expect(gate.match(/accuracy \d/g)).toHaveLength(1);
    expect(gate).not.toContain('< floor');

    // The table followed the run without a reload: the snapshot it trained on is listed with its run, and
    // the bootstrap version it drew on counts that run too.
    const version = await prisma.datasetVersion.findUniqueOrThrow({
      where: { id: run.datasetVersionId! },
      include: { dataset: true },
    });
    const row = (name: string) => eli.getByRole('row', { name: new RegExp(`^${name} `) });
    const snapshotRow = row(`${version.dataset.name} v${version.version}`);
    await snapshotRow.waitFor();
    expect(await snapshotRow.locator('td').last().textContent()).toBe('1');
    expect(Number(await row('bootstrap v1').locator('td').last().textContent())).toBeGreaterThanOrEqual(1);
    await eli.context().close();
  }, 300_000);

  it('the datasets table says how many versions it leaves out, and how to list every one', async () => {
    // Older than any other spec's versions: more than the table's 30 in all, whatever ran before.
    const long = Date.now() - 30 * 86_400_000;
    const dataset = await prisma.dataset.create({
      data: {
        name: 'e2e-many',
        versions: {
          create: Array.from({ length: 35 }, (_, i) => ({
            version: i + 1,
            source: 'IMPORT' as const,
            meta: {},
            counts: {},
            exampleCount: 0,
            createdAt: new Date(long + i * 60_000),
          })),
        },
      },
    });
    try {
      const eli = await signedIn(browser, 'engineer');
      await eli.goto(url('/datasets'));
      // The older ones are a command away, as on the Models and Experiments pages.
      const total = await prisma.datasetVersion.count();
      expect(await eli.getByTestId('versions-shown').textContent()).toBe(
        `The latest 30 of ${total} dataset versions: acsa data list --limit ${total} lists every one.`,
      );
      expect(await eli.locator('tbody tr').count()).toBe(30);
      await checkPage(eli, 'datasets-more');
      await eli.context().close();
    } finally {
      await prisma.datasetVersion.deleteMany({ where: { datasetId: dataset.id } });
      await prisma.dataset.delete({ where: { id: dataset.id } });
    }
  });
});
