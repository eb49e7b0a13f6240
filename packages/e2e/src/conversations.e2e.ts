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
    // Titled for the person (a guest here), with when it started; each message says its time in UTC.
    await page.getByRole('heading', { name: 'Guest conversation' }).waitFor();
    expect(await page.locator('h1').textContent()).not.toContain('sess-umbrella');
    const started = await prisma.conversation.findUniqueOrThrow({ where: { id: c.conversationId } });
    const day = started.startedAt.toISOString().slice(0, 10);
    expect(await page.locator('.lede').textContent()).toContain(`Started ${day} `);
    const messages = await prisma.message.findMany({
      where: { conversationId: c.conversationId },
      orderBy: { seq: 'asc' },
    });
    const times = await page.locator('tbody tr td:first-child time').allTextContents();
    expect(times).toEqual(
      messages.map((m) =>
        m.createdAt.toISOString().slice(0, 10) === day
          ? m.createdAt.toISOString().slice(11, 19)
          : `${m.createdAt.toISOString().replace('T', ' ').slice(0, 19)} UTC`,
      ),
    );
    await page
      .getByRole('row', { name: /can I get a new one/ })
      .getByRole('button', { name: 'Send to review' })
      .click();
    await page.getByText('sent to review').waitFor();
    await checkPage(page, 'conversation-transcript');
    expect(await prisma.reviewItem.findUnique({ where: { messageId: c.userMessageIds[1] } })).toMatchObject({
      reason: 'MANUAL',
    });
    const customer = await prisma.customer.upsert({
      where: { email: 'sam.lee@example.com' },
      create: { email: 'sam.lee@example.com', name: 'Sam Lee' },
      update: {},
    });
    const named = await makeConversation(
      prisma,
      [{ text: 'is my raincoat shipped', intent: 'track_order', confidence: 0.9 }],
      { customerId: customer.id },
    );
    await page.goto(url(`/conversations/${named.conversationId}`));
    await page.getByRole('heading', { name: 'Conversation with Sam Lee' }).waitFor();
    await page.goto(url('/conversations?q=nothing-like-this'));
    await page.getByText('No conversation matches').waitFor();
    await page.context().close();
  });

  it('a search matching more than it shows says so', async () => {
    for (let i = 0; i < 51; i++)
      await makeConversation(prisma, [
        { text: `my kettle ${i} leaks`, intent: 'complaint', confidence: 0.9 },
      ]);
    const page = await signedIn(browser, 'reviewer');
    await page.goto(url('/conversations?q=kettle'));
    const caption = page.getByTestId('search-caption');
    expect(await caption.textContent()).toBe(
      'The latest 50 of more than 50 that match: add words, or search an email or order number, to narrow it',
    );
    expect(await page.locator('tbody tr').count()).toBe(50);
    await page.goto(url('/conversations?q=kettle 50 leaks'));
    expect(await caption.textContent()).toBe('1 conversation, latest first');
    await page.context().close();
  });
});
