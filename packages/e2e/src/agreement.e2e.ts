import type { PrismaClient } from '@acsa/db';
import { submitLabel } from '@acsa/pipelines/review';
import { makeConversation } from '@acsa/pipelines/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPage, launch, signedIn, url } from './browser.ts';
import { testPrisma } from './database.ts';

let browser: Browser;
let prisma: PrismaClient;
beforeAll(async () => {
  browser = await launch();
  prisma = testPrisma();
  await prisma.reviewItem.deleteMany();
});
afterAll(async () => {
  await prisma?.reviewSettings.update({ where: { id: 1 }, data: { overlapShare: 0.1 } });
  await browser?.close();
  await prisma?.$disconnect();
});

const actor = async (email: string) => {
  const u = await prisma.user.findUniqueOrThrow({ where: { email } });
  return { id: u.id, email: u.email, role: u.role };
};

async function labelInBrowser(page: Page, keys: string[]) {
  await page.goto(url('/review/label'));
  await page.locator('[data-review-item]').waitFor();
  expect(await page.locator('.utterance').textContent()).toBe('is my refund on its way or lost?');
  for (const k of keys) await page.keyboard.press(k);
  await page.getByText('Nothing left to label').waitFor();
  await expect.poll(() => page.getByTestId('saving').textContent()).toBe('all saved');
}

describe('overlap, agreement and adjudication', () => {
  it('two reviewers disagree on an overlap turn: κ moves as the hand-worked example says, an engineer decides', async () => {
    // Nothing labeled twice yet: the page says so. The engineer makes every new item an overlap item.
    const eli = await signedIn(browser, 'engineer');
    await eli.goto(url('/agreement'));
    await eli.getByText('No overlap turns labeled twice yet').waitFor();
    await checkPage(eli, 'agreement-empty');
    const shareInput = eli.getByLabel('Share of new review items labeled by two reviewers (%)');
    await shareInput.fill('100');
    // Save sits right beside the input it saves, not across the page.
    const saveButton = eli.getByRole('button', { name: 'Save' });
    const [inputBox, saveBox] = [await shareInput.boundingBox(), await saveButton.boundingBox()];
    expect(saveBox && inputBox ? saveBox.x - (inputBox.x + inputBox.width) : Number.NaN).toBeLessThan(24);
    await saveButton.click();
    await eli.getByText('Saved: 100 % of new items from now on.').waitFor();
    expect((await prisma.reviewSettings.findUniqueOrThrow({ where: { id: 1 } })).overlapShare).toBe(1);
    expect(await prisma.auditLog.count({ where: { action: 'review.settings' } })).toBeGreaterThan(0);

    // Nine overlap turns already labeled by both reviewers: 4 agree on A, 1 A/B, 1 B/A, 3 agree on B (κ 0.55).
    const [rae, rob] = [await actor('reviewer@example.com'), await actor('reviewer2@example.com')];
    const plan = [
      ...Array(4).fill(['track_order', 'track_order']),
      ['track_order', 'get_refund'],
      ['get_refund', 'track_order'],
      ...Array(3).fill(['get_refund', 'get_refund']),
    ] as [string, string][];
    for (const [i, [a, b]] of plan.entries()) {
      const c = await makeConversation(prisma, [
        { text: `earlier turn ${i}`, intent: 'track_order', confidence: 0.3 },
      ]);
      const item = await prisma.reviewItem.findUniqueOrThrow({ where: { messageId: c.userMessageIds[0] } });
      await submitLabel(prisma, rae, { reviewItemId: item.id, intent: a, entities: [] });
      await submitLabel(prisma, rob, { reviewItemId: item.id, intent: b, entities: [] });
    }
    await eli.reload();
    await expect.poll(() => eli.getByTestId('kappa').textContent()).toBe('0.55');
    await checkPage(eli, 'agreement-before');

    // The tenth: Rae accepts the top suggestion (A), Rob picks the second (B), each with the keyboard alone.
    await makeConversation(prisma, [
      {
        text: 'is my refund on its way or lost?',
        intent: 'track_order',
        confidence: 0.5,
        topK: [
          { intent: 'track_order', p: 0.5 },
          { intent: 'get_refund', p: 0.45 },
        ],
      },
    ]);
    const raePage = await signedIn(browser, 'reviewer');
    await labelInBrowser(raePage, ['Enter']);
    await checkPage(raePage, 'labeling-done');
    await raePage.context().close();
    const robPage = await signedIn(browser, 'reviewer2');
    await labelInBrowser(robPage, ['2', 'Enter']);
    await robPage.context().close();

    // (4, 2, 1, 3): κ = 0.40, α = 0.42.
    await eli.reload();
    await expect.poll(() => eli.getByTestId('kappa').textContent()).toBe('0.40');
    expect(await eli.getByTestId('alpha').textContent()).toBe('0.42');
    // The figures come with their scale: 0.42 is read as too low, not guessed at.
    expect(await eli.getByTestId('agreement-scale').textContent()).toBe(
      "α and κ are 1 when reviewers always give the same label and 0 when they agree no more than chance would; below 0 they disagree more than chance. 0.8 or more is reliable, 0.667 to 0.8 tentative, below that too low to trust the labels (Krippendorff's thresholds).",
    );
    const card = eli.getByRole('listitem', { name: 'Disagreement on: is my refund on its way or lost?' });
    await card.waitFor();
    // The model's % is its confidence, and says so.
    await card.getByText('Model: track_order, 50 % confident').waitFor();
    expect(await eli.getByRole('listitem', { name: /^Disagreement on/ }).count()).toBe(3);
    await checkPage(eli, 'agreement-after');
    await card.getByRole('button', { name: /^get_refund/ }).click();
    await card.waitFor({ state: 'detached' });
    const decided = await prisma.reviewItem.findFirstOrThrow({
      where: { message: { text: 'is my refund on its way or lost?' } },
      include: { labels: true },
    });
    expect(decided).toMatchObject({ finalIntent: 'get_refund', needsAdjudication: false });
    expect(decided.adjudicatedById).toBe((await actor('engineer@example.com')).id);
    expect(decided.labels.map((l) => l.intent).sort()).toEqual(['get_refund', 'track_order']);
    await eli.context().close();
  });

  it('the adjudication list says when more disagreements wait than it shows', async () => {
    // 55 overlap turns the two reviewers labeled differently: more than the list's 50.
    const [rae, rob] = [await actor('reviewer@example.com'), await actor('reviewer2@example.com')];
    const { conversationId, userMessageIds } = await makeConversation(
      prisma,
      Array.from({ length: 55 }, (_, i) => ({
        text: `disputed turn ${i}`,
        intent: 'track_order',
        confidence: 0.3,
      })),
    );
    try {
      const items = await prisma.reviewItem.findMany({ where: { messageId: { in: userMessageIds } } });
      await prisma.label.createMany({
        data: items.flatMap((item) => [
          { messageId: item.messageId, reviewItemId: item.id, userId: rae.id, intent: 'track_order' },
          { messageId: item.messageId, reviewItemId: item.id, userId: rob.id, intent: 'get_refund' },
        ]),
      });
      await prisma.reviewItem.updateMany({
        where: { id: { in: items.map((i) => i.id) } },
        data: { status: 'LABELED', requiredLabels: 2, needsAdjudication: true, resolvedAt: new Date() },
      });
      const eli = await signedIn(browser, 'engineer');
      await eli.goto(url('/agreement'));
      const shown = eli.getByTestId('adjudication-shown');
      await shown.waitFor();
      expect(await shown.textContent()).toBe(
        'The 50 that have waited longest; more wait behind them and come here as these are decided.',
      );
      expect(await eli.getByRole('listitem', { name: /^Disagreement on/ }).count()).toBe(50);
      await checkPage(eli, 'agreement-more');
      await eli.context().close();
    } finally {
      await prisma.conversation.delete({ where: { id: conversationId } });
    }
  });
});
