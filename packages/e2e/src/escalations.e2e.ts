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

describe('escalations queue', () => {
  it('says what to expect while there is nothing to handle', async () => {
    // Other specs share this database and may have left hand-overs open (the storefront's, say): this spec
    // starts from an empty queue.
    await prisma.escalation.updateMany({
      where: { status: { in: ['OPEN', 'ASSIGNED'] } },
      data: {
        status: 'RESOLVED',
        resolvedAt: new Date(),
        resolutionNote: 'closed before the escalations spec',
      },
    });
    const page = await signedIn(browser, 'reviewer');
    await page.goto(url('/escalations'));
    await page.getByText('No open escalations').waitFor();
    await checkPage(page, 'escalations-empty');
    await page.context().close();
  });

  it('a reviewer takes one (the other sees it taken), hands it back, takes it again and resolves it with a note', async () => {
    const customer = await prisma.customer.create({
      data: { email: 'alex.morgan@example.com', name: 'Alex Morgan' },
    });
    await makeConversation(
      prisma,
      [
        { text: 'where is order 10042?', intent: 'track_order', confidence: 0.93 },
        {
          text: 'it still has not arrived, I want a person',
          intent: 'contact_human_agent',
          confidence: 0.71,
        },
      ],
      { escalateLast: true, customerId: customer.id, at: new Date(Date.now() - 25 * 60_000) },
    );
    // The model's top intents, as serving stores them at the hand-over.
    const handedOver = await prisma.escalation.findFirstOrThrow({
      where: { conversation: { customerId: customer.id } },
    });
    await prisma.escalation.update({
      where: { id: handedOver.id },
      data: {
        context: {
          ...(handedOver.context as object),
          topK: [
            { intent: 'contact_human_agent', confidence: 0.71 },
            { intent: 'track_order', confidence: 0.24 },
          ],
        },
      },
    });
    const rae = await signedIn(browser, 'reviewer');
    await rae.goto(url('/escalations'));
    const card = rae.getByRole('article').filter({ hasText: 'Alex Morgan' });
    await card.getByRole('button', { name: 'Take' }).waitFor();
    // The % is said to be the model's confidence, not left to be read as a share of something.
    await card.getByText("contact_human_agent 71 %, track_order 24 % (the model's confidence)").waitFor();
    await checkPage(rae, 'escalations-open');
    await card.getByRole('button', { name: 'Take' }).click();
    await card.getByText('taken by you').waitFor();
    // Keyboard first: the note the taken case needs next has focus.
    const focused = (page: typeof rae) =>
      page.evaluate(() => {
        const el = document.activeElement;
        return el
          ? `${el.tagName} ${el.getAttribute('placeholder') ?? el.textContent?.slice(0, 40) ?? ''}`
          : '';
      });
    await expect.poll(() => focused(rae)).toBe('INPUT What you did for the customer');

    const rob = await signedIn(browser, 'reviewer2');
    await rob.goto(url('/escalations'));
    const robCard = rob.getByRole('article').filter({ hasText: 'Alex Morgan' });
    await robCard.getByText('taken by Rae Reviewer').waitFor();
    expect(await robCard.getByRole('button', { name: 'Take' }).count()).toBe(0);

    // Rae hands it back: it is open again, and Rob can take it now (then he hands it back to Rae).
    await card.getByRole('button', { name: 'Hand back' }).click();
    await card.getByRole('button', { name: 'Take' }).waitFor();
    // Its form gone, focus is on the card's heading, not lost to the page.
    await expect.poll(() => focused(rae)).toMatch(/^H2 Alex Morgan/);
    await rob.reload();
    await robCard.getByRole('button', { name: 'Take' }).click();
    await robCard.getByText('taken by you').waitFor();
    await robCard.getByRole('button', { name: 'Hand back' }).click();
    await robCard.getByRole('button', { name: 'Take' }).waitFor();
    await rob.context().close();
    expect(
      await prisma.auditLog.count({
        where: {
          action: 'escalation.hand-back',
          actor: { in: ['reviewer@example.com', 'reviewer2@example.com'] },
        },
      }),
    ).toBe(2);
    await rae.reload();
    await card.getByRole('button', { name: 'Take' }).click();
    await card.getByText('taken by you').waitFor();

    await card.getByLabel('Resolution note').fill('Carrier confirmed delivery tomorrow; told the customer.');
    await checkPage(rae, 'escalations-taken');
    await card.getByRole('button', { name: 'Resolve' }).click();
    await rae.getByText('No open escalations').waitFor();
    // No card left to take focus: the queue's tab has it.
    await expect.poll(() => focused(rae)).toBe('BUTTON Open and taken');
    await rae.getByRole('tab', { name: 'Resolved' }).click();
    // Resolved ones are one-line rows, latest first: Rae's is the first, with her name as the resolver.
    const resolved = rae.getByRole('article').filter({ hasText: 'Alex Morgan' });
    await resolved.getByText(/^resolved by Rae Reviewer \d{4}-/).waitFor();
    // The one line says how it ended too, so a case is found without opening each.
    expect(await resolved.locator('summary').first().textContent()).toContain(
      ': “Carrier confirmed delivery tomorrow; told the customer.”',
    );
    await resolved.locator('summary').first().click();
    await resolved.getByText('Resolution: Carrier confirmed delivery tomorrow').waitFor();
    await resolved.getByText('Transcript (4 messages)').waitFor();
    // The conversation is named, not shown as the storefront's session id (which stays in the tooltip).
    const link = resolved.getByRole('link', { name: 'conversation' });
    expect(await link.getAttribute('title')).toMatch(/^session s-/);
    await checkPage(rae, 'escalations-resolved');
    const stored = await prisma.escalation.findFirstOrThrow({
      where: { conversation: { customerId: customer.id } },
      include: { assignee: true },
    });
    expect(stored).toMatchObject({ status: 'RESOLVED', assignee: { email: 'reviewer@example.com' } });
    await rae.context().close();
  });
  it('resolved ones come 25 to a page with "Older", name whoever resolved them, and count messages right', async () => {
    const rob = await prisma.user.findUniqueOrThrow({ where: { email: 'reviewer2@example.com' } });
    const hour = 3_600_000;
    // Thirty closed outside the queue (no resolver kept), resolved over the last days, oldest last.
    for (let i = 0; i < 30; i++) {
      const c = await makeConversation(prisma, [{ text: `bulk ${i}`, intent: 'thanks', confidence: 0.9 }], {
        escalateLast: true,
        at: new Date(Date.now() - (i + 50) * hour),
      });
      await prisma.escalation.updateMany({
        where: { conversationId: c.conversationId },
        data: {
          status: 'RESOLVED',
          resolvedAt: new Date(Date.now() - (i + 2) * hour),
          resolutionNote: `bulk ${i} done`,
        },
      });
    }
    // One customer message and nothing more, resolved by Rob just now.
    const single = await makeConversation(
      prisma,
      [{ text: 'just one line from me', intent: 'complaint', confidence: 0.6 }],
      { escalateLast: true },
    );
    await prisma.message.deleteMany({ where: { conversationId: single.conversationId, role: 'AGENT' } });
    await prisma.escalation.updateMany({
      where: { conversationId: single.conversationId },
      data: {
        status: 'RESOLVED',
        assigneeId: rob.id,
        resolvedAt: new Date(),
        resolutionNote: 'Answered by email.',
      },
    });

    const page = await signedIn(browser, 'reviewer');
    await page.goto(url('/escalations'));
    await page.getByRole('tab', { name: 'Resolved' }).click();
    const cards = page.getByRole('article');
    await expect.poll(() => cards.count()).toBe(25);
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).not.toContain('someone');
    const robs = cards.filter({ hasText: 'Answered by email.' });
    await robs.getByText(/^resolved by Rob Reviewer /).waitFor();
    await robs.locator('summary').first().click();
    await robs.getByText('Transcript (1 message)').waitFor();
    expect(await page.getByRole('button', { name: 'Newer' }).isDisabled()).toBe(true);

    // "Older" pages back like an inbox, to the oldest of the bulk ones; it says "resolved" and when.
    const first = () => cards.first().getAttribute('aria-labelledby');
    const older = page.getByRole('button', { name: 'Older' });
    let pages = 1;
    while (!(await older.isDisabled())) {
      const was = await first();
      await older.click();
      await expect.poll(first).not.toBe(was);
      pages++;
    }
    expect(pages).toBeGreaterThan(1);
    expect(await cards.filter({ hasText: 'Answered by email.' }).count()).toBe(0);
    await cards
      .filter({ hasText: 'bulk 29 done' })
      .getByText(/^resolved \d{4}-\d\d-\d\d \d\d:\d\d UTC$/)
      .waitFor();
    await checkPage(page, 'escalations-resolved-older');
    await page.getByRole('button', { name: 'Newer' }).click();
    await expect.poll(() => cards.count()).toBe(25);
    await page.context().close();
  });

  it('a page of resolved ones that fails to load leaves the last page shown, the error above it and the paging usable', async () => {
    // More than a page resolved (the spec before this one leaves more; run alone, this one makes them).
    const resolved = await prisma.escalation.count({ where: { status: 'RESOLVED' } });
    for (let i = resolved; i < 26; i++) {
      const c = await makeConversation(prisma, [{ text: `paged ${i}`, intent: 'thanks', confidence: 0.9 }], {
        escalateLast: true,
      });
      await prisma.escalation.updateMany({
        where: { conversationId: c.conversationId },
        data: { status: 'RESOLVED', resolvedAt: new Date(), resolutionNote: `paged ${i} done` },
      });
    }
    const page = await signedIn(browser, 'reviewer');
    let failing = true;
    // Only the older page fails: its request carries a cursor ("before":"…"; the first page's has none).
    await page.route(/\/api\/trpc\/[^?]*escalations\.list/, async (route) => {
      if (failing && decodeURIComponent(route.request().url()).includes('"before":"'))
        await route.fulfill({ status: 503, contentType: 'text/plain', body: 'unavailable' });
      else await route.continue();
    });
    try {
      await page.goto(url('/escalations'));
      await page.getByRole('tab', { name: 'Resolved' }).click();
      const cards = page.getByRole('article');
      await expect.poll(() => cards.count()).toBe(25);
      const first = () => cards.first().getAttribute('aria-labelledby');
      const newest = await first();
      const older = page.getByRole('button', { name: 'Older' });
      await older.click();
      // The query retries a few times before it gives up.
      await page
        .getByText(/^Could not load that page: .*These are the escalations as last loaded\.$/)
        .waitFor({ timeout: 20_000 });
      expect(await cards.count()).toBe(25);
      expect(await first()).toBe(newest);
      expect(await page.getByText('could not be loaded').count()).toBe(0);
      expect(await older.isDisabled()).toBe(false);
      expect(await page.getByRole('button', { name: 'Newer' }).isDisabled()).toBe(true);
      await checkPage(page, 'escalations-resolved-page-failed');
      // Tried again once the server answers: the older page comes, and the error goes.
      failing = false;
      await older.click();
      await expect.poll(first, { timeout: 20_000 }).not.toBe(newest);
      expect(await page.getByRole('alert').filter({ hasText: 'Could not' }).count()).toBe(0);
      await page.getByRole('button', { name: 'Newer' }).click();
      await expect.poll(first).toBe(newest);
    } finally {
      await page.context().close();
    }
  }, 60_000);

  it('a long queue says how many wait beyond the 50 shown, a long conversation shows its end, and new hand-overs count at once', async () => {
    await prisma.escalation.updateMany({
      where: { status: { in: ['OPEN', 'ASSIGNED'] } },
      data: {
        status: 'RESOLVED',
        resolvedAt: new Date(),
        resolutionNote: 'closed before the long-queue case',
      },
    });
    const hour = 3_600_000;
    // The customer who waited longest wrote 60 times (120 messages with the agent's replies).
    await makeConversation(
      prisma,
      Array.from({ length: 60 }, (_, i) => ({
        text: `long chat line ${i}`,
        intent: 'complaint',
        confidence: 0.5,
      })),
      { escalateLast: true, at: new Date(Date.now() - 100 * hour) },
    );
    for (let i = 0; i < 51; i++)
      await makeConversation(prisma, [{ text: `queued ${i}`, intent: 'complaint', confidence: 0.5 }], {
        escalateLast: true,
        at: new Date(Date.now() - (90 - i) * hour),
      });
    try {
      const page = await signedIn(browser, 'reviewer');
      await page.goto(url('/escalations'));
      const shown = page.getByTestId('escalations-shown');
      await expect
        .poll(() => shown.textContent())
        .toBe(
          'The 50 who have waited longest of 52 open and taken, oldest first: the rest appear as these are handled.',
        );
      expect(await page.getByRole('article').count()).toBe(50);
      const long = page.getByRole('article').first();
      await long.locator('summary', { hasText: 'Transcript' }).click();
      await long.getByText('Transcript (the last 100 of 120 messages)').waitFor();
      // Its end, where the customer asked for a person, is in it; its first lines are not.
      await long.getByText('long chat line 59', { exact: true }).first().waitFor();
      expect(await long.getByText('long chat line 0', { exact: true }).count()).toBe(0);
      await checkPage(page, 'escalations-long-queue');
      // A hand-over while the page is open counts without a reload.
      await makeConversation(prisma, [{ text: 'just now', intent: 'complaint', confidence: 0.5 }], {
        escalateLast: true,
      });
      await expect.poll(() => shown.textContent(), { timeout: 25_000 }).toContain('of 53 open and taken');
      await page.context().close();
    } finally {
      await prisma.escalation.updateMany({
        where: { status: { in: ['OPEN', 'ASSIGNED'] } },
        data: {
          status: 'RESOLVED',
          resolvedAt: new Date(),
          resolutionNote: 'closed after the long-queue case',
        },
      });
    }
  }, 90_000);
  it('a failed load is said on both tabs instead of "nothing here", and a failed refresh is said above the cards', async () => {
    await makeConversation(
      prisma,
      [{ text: 'refresh me: I want a person', intent: 'contact_human_agent', confidence: 0.7 }],
      { escalateLast: true },
    );
    const page = await signedIn(browser, 'reviewer');
    let failing = true;
    await page.route(/\/api\/trpc\/[^?]*escalations\.list/, async (route) => {
      if (failing) await route.fulfill({ status: 503, contentType: 'text/plain', body: 'unavailable' });
      else await route.continue();
    });
    try {
      await page.goto(url('/escalations'));
      // The query retries a few times before it gives up.
      await page.getByText('Escalations could not be loaded:').waitFor({ timeout: 20_000 });
      expect(await page.getByText('No open escalations').count()).toBe(0);
      await page.getByRole('tab', { name: 'Resolved' }).click();
      await page.getByText('Resolved escalations could not be loaded:').waitFor({ timeout: 20_000 });
      expect(await page.getByText('Nothing resolved yet').count()).toBe(0);
      await checkPage(page, 'escalations-resolved-load-failed');

      failing = false;
      await page.getByRole('tab', { name: 'Open and taken' }).click();
      const card = page.getByRole('article').filter({ hasText: 'refresh me' });
      await card.waitFor({ timeout: 20_000 });
      expect(await page.getByText('could not be loaded').count()).toBe(0);
      // The next refresh (every 15 s) fails: the cards stay, said to be as last loaded.
      failing = true;
      await page.getByText(/^Could not refresh: /).waitFor({ timeout: 40_000 });
      expect(await card.count()).toBe(1);
      await checkPage(page, 'escalations-refresh-failed');
    } finally {
      await page.context().close();
      await prisma.escalation.updateMany({
        where: { status: { in: ['OPEN', 'ASSIGNED'] } },
        data: { status: 'RESOLVED', resolvedAt: new Date(), resolutionNote: 'closed after the refresh case' },
      });
    }
  }, 120_000);
});
