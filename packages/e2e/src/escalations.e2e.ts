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
    const rae = await signedIn(browser, 'reviewer');
    await rae.goto(url('/escalations'));
    const card = rae.getByRole('article').filter({ hasText: 'Alex Morgan' });
    await card.getByRole('button', { name: 'Take' }).waitFor();
    await checkPage(rae, 'escalations-open');
    await card.getByRole('button', { name: 'Take' }).click();
    await card.getByText('taken by you').waitFor();

    const rob = await signedIn(browser, 'reviewer2');
    await rob.goto(url('/escalations'));
    const robCard = rob.getByRole('article').filter({ hasText: 'Alex Morgan' });
    await robCard.getByText('taken by Rae Reviewer').waitFor();
    expect(await robCard.getByRole('button', { name: 'Take' }).count()).toBe(0);

    // Rae hands it back: it is open again, and Rob can take it now (then he hands it back to Rae).
    await card.getByRole('button', { name: 'Hand back' }).click();
    await card.getByRole('button', { name: 'Take' }).waitFor();
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
    await rae.getByRole('tab', { name: 'Resolved' }).click();
    await rae.getByText('Carrier confirmed delivery tomorrow').waitFor();
    await checkPage(rae, 'escalations-resolved');
    const stored = await prisma.escalation.findFirstOrThrow({
      where: { conversation: { customerId: customer.id } },
      include: { assignee: true },
    });
    expect(stored).toMatchObject({ status: 'RESOLVED', assignee: { email: 'reviewer@example.com' } });
    await rae.context().close();
  });
});
