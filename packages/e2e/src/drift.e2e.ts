import type { PrismaClient } from '@acsa/db';
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

const HOUR = 3_600_000;

describe('drift', () => {
  it('an engineer sees each version’s drift windows charted against the threshold, and why one alerted', async () => {
    const eli = await signedIn(browser, 'engineer');
    if ((await prisma.driftReport.count()) === 0) {
      await eli.goto(url('/drift'));
      await eli.getByText('No drift window in the last 7 days').waitFor();
      await checkPage(eli, 'drift-empty');
    }
    const v = await bareModelVersion(prisma, 'intent-drift-e2e', { labels: ['track_order'] });
    const start = Math.floor(Date.now() / HOUR) * HOUR - 6 * HOUR;
    for (const [i, psi] of [0.04, 0.06, 0.05, 0.12, 0.41].entries())
      await prisma.driftReport.create({
        data: {
          modelVersionId: v.id,
          windowStart: new Date(start + i * HOUR),
          windowEnd: new Date(start + (i + 1) * HOUR),
          n: 400,
          intentPsi: psi,
          intentJs: psi / 4,
          confidencePsi: 0.03,
          lengthPsi: 0.02,
          unknownTokenRate: 0.05,
          details: {
            ks: {
              confidence: { d: psi / 3, p: 0.2, n1: 400, n2: 400 },
              length: { d: 0.04, p: 0.9, n1: 400, n2: 400 },
            },
            ...(psi > 0.25 ? { breaches: [{ metric: 'intentPsi', value: psi, threshold: 0.25 }] } : {}),
          },
          alert: psi > 0.25,
        },
      });
    await eli.goto(url('/drift'));
    const section = eli.locator('section[data-version="intent-drift-e2e"]');
    await section.getByText('1 alert').waitFor();
    // Population stability (three lines) and KS D (two) per window, each with its threshold line.
    await expect.poll(() => section.locator('.recharts-line').count()).toBe(5);
    expect(await section.locator('.recharts-reference-line').count()).toBe(2);
    await section.getByText('Every window (5)').click();
    expect(await section.locator('tbody tr').first().textContent()).toContain('intentPsi 0.410 > 0.250');
    await checkPage(eli, 'drift');
    await eli.context().close();
  });
});
