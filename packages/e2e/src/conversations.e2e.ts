import type { PrismaClient } from '@acsa/db';
import { makeConversation } from '@acsa/pipelines/testing';
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

describe('conversations', () => {
  it('search by words, open the transcript, send a turn to review', async () => {
    const c = await makeConversation(
      prisma,
      [
        { text: 'the umbrella I bought is broken', intent: 'get_refund', confidence: 0.92 },
        { text: 'can I get a new one instead', intent: 'change_order', confidence: 0.88 },
      ],
      { sessionId: 'sess-umbrella' },
    );
    const page = await signedIn(browser, 'reviewer');
    await page.goto(url('/conversations'));
    await page.getByText('Search to begin').waitFor();
    await checkPage(page, 'conversations-empty');
    await page.getByLabel('Search conversations').fill('umbrella');
    await page.keyboard.press('Enter');
    await page.getByRole('cell', { name: 'the umbrella I bought is broken' }).waitFor();
    await checkPage(page, 'conversations-search');
    await page
      .getByRole('row', { name: /the umbrella I bought is broken/ })
      .getByRole('link')
      .click();
    await page.getByRole('heading', { name: 'Conversation sess-umbrella' }).waitFor();
    await page
      .getByRole('row', { name: /can I get a new one/ })
      .getByRole('button', { name: 'Send to review' })
      .click();
    await page.getByText('sent to review').waitFor();
    await checkPage(page, 'conversation-transcript');
    expect(await prisma.reviewItem.findUnique({ where: { messageId: c.userMessageIds[1] } })).toMatchObject({
      reason: 'MANUAL',
    });
    await page.goto(url('/conversations?q=nothing-like-this'));
    await page.getByText('No conversation matches').waitFor();
    await page.context().close();
  });
});
