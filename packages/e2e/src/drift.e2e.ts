import type { PrismaClient } from '@acsa/db';
import { bareModelVersion } from '@acsa/db/testing';
import { DEFAULT_DRIFT_THRESHOLDS, effectiveThresholds } from '@acsa/pipelines';
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
    const start = Math.floor(Date.now() / HOUR) * HOUR - 8 * HOUR;
    // 400 messages over 31 intents: sampling noise alone reaches a PSI of 0.30 (at p 0.001), so the check
    // holds intents to 0.30, not the configured 0.25, and the 0.28 hour does not alert.
    const intentLimit = 0.2985;
    const sampling = { referenceN: 400, categories: { intent: 31, confidence: 10, length: 10 } };
    // Two hours in the middle without a report (the trainer was down): the chart breaks its lines there.
    const hours = [0, 1, 2, 5, 6];
    for (const [n, psi] of [0.04, 0.06, 0.28, 0.12, 0.41].entries()) {
      const i = hours[n] ?? n;
      const ks = {
        confidence: { d: psi / 3, p: 0.2, n1: 400, n2: 400 },
        length: { d: 0.04, p: 0.9, n1: 400, n2: 400 },
      };
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
          // As the drift check stores them: the thresholds it applied beside the configured ones.
          details: {
            sampling,
            ks,
            thresholds: {
              ...DEFAULT_DRIFT_THRESHOLDS,
              effective: effectiveThresholds({ n: 400, sampling, ks }),
            },
            // The alerting hour also saw track_order double (4 % → 8 %), which the per-intent test names.
            ...(psi > intentLimit
              ? {
                  intents: [
                    { name: 'track_order', reference: 0.04, live: 32 },
                    { name: 'refund', reference: 0.96, live: 368 },
                  ],
                  breaches: [
                    { metric: 'intentPsi', value: psi, threshold: intentLimit },
                    { metric: 'intentShare', intent: 'track_order', value: 0.08, threshold: 0.04, p: 1e-5 },
                  ],
                }
              : {}),
          },
          alert: psi > intentLimit,
        },
      });
    }
    // A version whose reports predate the KS check: its KS chart says what would fill it.
    const old = await bareModelVersion(prisma, 'intent-drift-e2e-no-ks', { labels: ['track_order'] });
    await prisma.driftReport.create({
      data: {
        modelVersionId: old.id,
        windowStart: new Date(start),
        windowEnd: new Date(start + HOUR),
        n: 300,
        intentPsi: 0.05,
        intentJs: 0.01,
        confidencePsi: 0.03,
        lengthPsi: 0.02,
        unknownTokenRate: 0.05,
        details: {
          thresholds: { effective: { intentPsi: 0.25, intentJs: 0.1, confidencePsi: 0.25, lengthPsi: 0.25 } },
        },
        alert: false,
      },
    });
    await eli.goto(url('/drift'));
    const section = eli.locator('section[data-version="intent-drift-e2e"]');
    await section.getByText('1 alert').waitFor();
    // Three PSI lines and two KS D lines per window, and in red the thresholds each window was held to:
    // intents' own (raised for its sample) and one shared by confidence and length on the PSI chart, one
    // for both on the KS chart.
    await expect.poll(() => section.locator('.recharts-line').count()).toBe(8);
    expect(await section.locator('.recharts-legend-item').allTextContents()).toEqual(
      expect.arrayContaining([
        'threshold applied (intents)',
        'threshold applied (confidence, length)',
        'threshold applied',
      ]),
    );
    expect(
      await section.getByRole('figure', { name: /^Population stability/ }).getAttribute('aria-label'),
    ).toMatch(/threshold applied in the newest window \(.+\): intents 0\.3, confidence 0\.25, length 0\.25$/);
    // Each measure's line is two pieces, before and after the unreported hours, not one drawn across them.
    const psiChart = section.getByRole('figure', { name: /^Population stability/ });
    const intents = await psiChart.locator('.recharts-line-curve').first().getAttribute('d');
    expect(intents?.match(/M/g)).toHaveLength(2);
    expect(await psiChart.locator('figcaption').textContent()).toContain('Hours in UTC');
    // Midway along the axis, among the unreported hours: the tooltip says there was no report then.
    await psiChart.getByRole('application').hover();
    await expect
      .poll(() => psiChart.locator('.recharts-tooltip-wrapper').textContent())
      .toMatch(/^\d\d-\d\d \d\dh UTC: no drift report$/);
    await checkPage(eli, 'drift-gap');
    await section.getByText('Every window (5)').click();
    const rows = section.locator('tbody tr');
    // The alert says what shifted, by name; its figures on hover.
    expect(await rows.first().locator('td').last().textContent()).toBe('intent mix, track_order share');
    expect(await rows.first().locator('td').last().locator('span').getAttribute('title')).toBe(
      'intent mix (PSI) 0.41 > 0.30, track_order share 4.0 % → 8.0 %',
    );
    expect(await rows.nth(2).locator('td').last().textContent()).toBe('—');
    await eli
      .locator('section[data-version="intent-drift-e2e-no-ks"]')
      .getByText('No KS figures for these windows')
      .waitFor();
    await checkPage(eli, 'drift');
    // The alerting window names the intent that moved, and its chart marks it.
    const alerting = await prisma.driftReport.findFirstOrThrow({
      where: { modelVersionId: v.id, alert: true },
    });
    await eli.goto(url(`/drift?window=${alerting.id}`));
    const panel = eli.locator(`section[data-window="${alerting.id}"]`);
    expect(await panel.getByRole('list', { name: 'Over threshold' }).textContent()).toContain(
      'track_order share 4.0 % → 8.0 %',
    );
    await expect
      .poll(() => panel.getByTestId('intent-shares').textContent())
      .toContain('track_order (moved)');
    await checkPage(eli, 'drift-intent-share');
    await eli.context().close();
  });
});
