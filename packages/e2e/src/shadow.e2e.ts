import type { PrismaClient } from '@acsa/db';
import { moveAlias } from '@acsa/db/registry';
import { bareModelVersion } from '@acsa/db/testing';
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

const version = (name: string) => bareModelVersion(prisma, name);

describe('shadow', () => {
  it('an engineer sees how the shadow model would have answered beside production, and who was right', async () => {
    const eli = await signedIn(browser, 'engineer');
    if ((await prisma.shadowPrediction.count()) === 0) {
      await eli.goto(url('/shadow'));
      await eli.getByText('No shadow predictions in the last 7 days').waitFor();
      await checkPage(eli, 'shadow-empty');
    }
    const prod = await version('intent-shadow-e2e-prod');
    const shadow = await version('intent-shadow-e2e-candidate');
    await moveAlias(prisma, {
      alias: 'shadow',
      toVersionId: shadow.id,
      kind: 'PROMOTE',
      actor: { type: 'SYSTEM', display: 'system:trainer' },
      reason: 'retrain in shadow mode',
    });
    const conversation = await prisma.conversation.create({ data: { sessionId: 'shadow-e2e' } });
    const turns: [string, string, string, string | null][] = [
      ['where is my parcel', 'track_order', 'track_order', null],
      ['I want my money back', 'cancel_order', 'get_refund', 'get_refund'],
      ['refund the blue jacket', 'cancel_order', 'get_refund', null],
      ['hi', 'greeting', 'greeting', 'greeting'],
    ];
    for (const [i, [text, intent, shadowIntent, decided]] of turns.entries()) {
      const m = await prisma.message.create({
        data: {
          conversationId: conversation.id,
          seq: i,
          role: 'USER',
          text,
          intent,
          confidence: 0.8,
          modelVersionId: prod.id,
        },
      });
      await prisma.shadowPrediction.create({
        data: {
          messageId: m.id,
          modelVersionId: shadow.id,
          intent: shadowIntent,
          confidence: 0.9,
          topK: [],
          outOfScope: false,
          lowConfidence: false,
          latencyMs: 2,
        },
      });
      // A disagreement is already in the inbox (the shadow trigger put it there): reviewers decided it.
      if (decided)
        await prisma.reviewItem.upsert({
          where: { messageId: m.id },
          create: {
            messageId: m.id,
            reason: 'SAMPLE',
            priority: 0.5,
            status: 'LABELED',
            finalIntent: decided,
          },
          update: { status: 'LABELED', finalIntent: decided },
        });
    }
    await eli.goto(url('/shadow'));
    const section = eli.locator('section[data-version="intent-shadow-e2e-candidate"]');
    await section.getByText('in shadow now').waitFor();
    expect(await section.getByTestId('agreement').textContent()).toBe('50.0 %');
    expect(await section.getByTestId('accuracy').textContent()).toBe('100.0 % vs 50.0 % production');
    expect(await section.getByRole('row', { name: /cancel_order get_refund 2/ }).count()).toBe(1);
    await section.getByText('Latest disagreements (2)').click();
    await section.getByRole('link', { name: '“I want my money back”' }).waitFor();

    // Every disagreement went to the review inbox by itself (reason DISAGREEMENT), the decided one and the one
    // reviewers have not labeled yet alike; neither offers "Send to review" again. Only the one still waiting
    // says "in review": the labeled one says reviewers decided it.
    for (const text of ['I want my money back', 'refund the blue jacket']) {
      const item = section.getByRole('listitem').filter({ hasText: text });
      expect(await item.getByRole('button', { name: 'Send to review' }).count()).toBe(0);
    }
    const decidedItem = section.getByRole('listitem').filter({ hasText: 'I want my money back' });
    expect(await decidedItem.textContent()).toContain('reviewers: get_refund');
    expect(await decidedItem.getByText('in review', { exact: true }).count()).toBe(0);
    expect(await decidedItem.getByText('reviewed', { exact: true }).count()).toBe(1);
    const waitingItem = section.getByRole('listitem').filter({ hasText: 'refund the blue jacket' });
    expect(await waitingItem.getByText('in review', { exact: true }).count()).toBe(1);
    expect(await eli.getByTestId('shadow-is-production').count()).toBe(0);
    const waiting = await prisma.reviewItem.findFirstOrThrow({
      where: { message: { conversationId: conversation.id, text: 'refund the blue jacket' } },
    });
    expect(waiting).toMatchObject({ reason: 'DISAGREEMENT', status: 'OPEN' });
    await checkPage(eli, 'shadow');

    // Promote the shadow model: production moves to the shadow alias's version, with a reason, confirmed.
    const before =
      (await prisma.modelAlias.findUnique({ where: { name: 'production' }, include: { modelVersion: true } }))
        ?.modelVersion.version ?? '(none)';
    await section.getByRole('button', { name: 'Promote the shadow model…' }).click();
    const dialog = eli.getByRole('dialog');
    expect(await dialog.getByTestId('move-summary').textContent()).toBe(
      `production: ${before} → intent-shadow-e2e-candidate`,
    );
    const confirm = dialog.getByRole('button', { name: 'Confirm: production → intent-shadow-e2e-candidate' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog
      .getByLabel('Why (kept in the alias history)')
      .fill('right on every refund reviewers decided');
    await checkPage(eli, 'shadow-promote-dialog');
    await confirm.click();
    await eli
      .getByRole('status')
      .filter({ hasText: `production: ${before} → intent-shadow-e2e-candidate. Announced to serving` })
      .waitFor();
    const production = await prisma.modelAlias.findUniqueOrThrow({ where: { name: 'production' } });
    expect(production.modelVersionId).toBe(shadow.id);
    const audit = await prisma.auditLog.findFirstOrThrow({
      where: { action: 'model.alias.promote', targetId: 'production' },
      orderBy: { id: 'desc' },
    });
    expect(audit).toMatchObject({
      actorType: 'USER',
      data: { toVersion: 'intent-shadow-e2e-candidate', reason: 'right on every refund reviewers decided' },
    });
    // Promoted: production and shadow are one model now. The page says so instead of comparing it with itself,
    // and the Promote button, disabled, says why.
    const note = eli.getByTestId('shadow-is-production');
    await note.waitFor();
    expect(await note.textContent()).toMatch(
      /The shadow model intent-shadow-e2e-candidate was promoted to production on \d{4}-\d\d-\d\d \d\d:\d\d UTC.*Put another version in shadow to compare/,
    );
    await section.getByText('in production', { exact: true }).waitFor();
    expect(await section.getByText('in shadow now').count()).toBe(0);
    const promote = section.getByRole('button', { name: 'Promote the shadow model…' });
    expect(await promote.isDisabled()).toBe(true);
    const describedBy = await promote.getAttribute('aria-describedby');
    expect(describedBy).toBeTruthy();
    const why = eli.locator(`[id="${describedBy}"]`);
    expect(await why.isVisible()).toBe(true);
    expect((await why.textContent())?.trim()).toBe(
      'production already runs intent-shadow-e2e-candidate: nothing to promote.',
    );
    // The figures still compare it with the production it replaced (50 % agreement), not with itself.
    expect(await section.getByTestId('agreement').textContent()).toBe('50.0 %');
    await checkPage(eli, 'shadow-promoted');
    await eli.context().close();
  });

  it('the latest disagreements say how many they leave out, however many agreements came after them', async () => {
    const prod = await version('intent-shadow-e2e-many-prod');
    const shadow = await version('intent-shadow-e2e-many');
    const conversation = await prisma.conversation.create({ data: { sessionId: 'shadow-e2e-many' } });
    try {
      // 25 disagreements two hours ago, then 200 turns both models answered alike: more than the 20
      // disagreements the page shows, and all behind the latest 200 predictions.
      const hour = 3_600_000;
      const turns = Array.from({ length: 225 }, (_, i) => ({
        text: i < 25 ? `disputed ${i}` : `agreed ${i}`,
        shadowIntent: i < 25 ? 'get_refund' : 'track_order',
        at: new Date(Date.now() - (i < 25 ? 2 * hour : hour) + i * 1_000),
      }));
      const messages = await prisma.message.createManyAndReturn({
        data: turns.map((t, i) => ({
          conversationId: conversation.id,
          seq: i,
          role: 'USER' as const,
          text: t.text,
          intent: 'track_order',
          confidence: 0.8,
          modelVersionId: prod.id,
          createdAt: t.at,
        })),
        select: { id: true, seq: true },
      });
      await prisma.shadowPrediction.createMany({
        data: messages.map((m) => ({
          messageId: m.id,
          modelVersionId: shadow.id,
          intent: turns[m.seq]!.shadowIntent,
          confidence: 0.9,
          topK: [],
          outOfScope: false,
          lowConfidence: false,
          latencyMs: 2,
          createdAt: turns[m.seq]!.at,
        })),
      });
      const eli = await signedIn(browser, 'engineer');
      await eli.goto(url('/shadow'));
      const section = eli.locator('section[data-version="intent-shadow-e2e-many"]');
      await section.getByText('Latest disagreements (20 of 25)').click();
      expect(await section.getByTestId('disagreements-shown').textContent()).toBe(
        'The latest 20 of 25 disagreements in these 7 days. The review inbox holds those it took as disagreements until they are labeled.',
      );
      expect(
        await section
          .getByTestId('disagreements-shown')
          .getByRole('link', { name: 'review inbox' })
          .getAttribute('href'),
      ).toBe('/review?reason=DISAGREEMENT');
      expect(await section.getByRole('link', { name: /^“disputed \d+”$/ }).count()).toBe(20);
      // The latest first: the oldest five are the ones left out.
      await section.getByRole('link', { name: '“disputed 24”' }).waitFor();
      expect(await section.getByRole('link', { name: '“disputed 4”' }).count()).toBe(0);
      await checkPage(eli, 'shadow-more');
      await eli.context().close();
    } finally {
      await prisma.conversation.delete({ where: { id: conversation.id } });
      await prisma.modelVersion.deleteMany({ where: { id: { in: [prod.id, shadow.id] } } });
    }
  });
});
