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

/** Two hours of traffic as the analytics worker, serving and the drift check leave it. */
async function seedTraffic() {
  const thisHour = new Date(Math.floor(Date.now() / HOUR) * HOUR);
  const lastHour = new Date(thisHour.getTime() - HOUR);
  const v = await bareModelVersion(prisma, 'intent-overview-e2e', { labels: ['track_order'] });
  await prisma.turnStat.createMany({
    data: [
      { modelVersionId: v.id, hour: lastHour, turns: 30, escalations: 3, lowConfidence: 2, outOfScope: 0 },
      { modelVersionId: v.id, hour: thisHour, turns: 10, escalations: 1, lowConfidence: 2, outOfScope: 0 },
    ],
  });
  const conversation = await prisma.conversation.create({ data: { sessionId: 'overview-e2e' } });
  await prisma.message.createMany({
    data: Array.from({ length: 20 }, (_, i) => ({
      conversationId: conversation.id,
      seq: i,
      role: 'USER' as const,
      text: `turn ${i}`,
      modelVersionId: v.id,
      latencyMs: 2 + i,
      createdAt: new Date(lastHour.getTime() + i * 60_000),
    })),
  });
  await prisma.feedback.createMany({
    data: [
      { conversationId: conversation.id, rating: 5, createdAt: new Date(lastHour.getTime() + 5 * 60_000) },
      { conversationId: conversation.id, rating: 4, createdAt: new Date(lastHour.getTime() + 6 * 60_000) },
    ],
  });
  await prisma.driftReport.create({ data: intentAlert(v.id, lastHour, thisHour) });
}

/** A drift window of `modelVersionId` whose intent PSI breached its threshold: an alert. */
const intentAlert = (modelVersionId: string, windowStart: Date, windowEnd: Date) => ({
  modelVersionId,
  windowStart,
  windowEnd,
  n: 30,
  intentPsi: 0.71,
  intentJs: 0.1,
  confidencePsi: 0.05,
  lengthPsi: 0.05,
  unknownTokenRate: 0.01,
  details: { breaches: [{ metric: 'intentPsi', value: 0.71, threshold: 0.25 }] },
  alert: true,
});

describe('the overview', () => {
  it('shows turns, rates, CSAT and latency per version in charts, and the open drift alert', async () => {
    const eli = await signedIn(browser, 'engineer');
    await eli.goto(url('/overview'));
    await eli.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    // The empty state only when no other spec has left turns in this shared database.
    if (await eli.getByText('No customer turns in this window').isVisible()) {
      // The drift specs, run before this one, leave alerts but no turns.
      if ((await prisma.driftReport.count({ where: { alert: true } })) === 0)
        await eli.getByTestId('no-alerts').waitFor();
      await checkPage(eli, 'overview-empty');
    }
    await seedTraffic();
    await eli.reload();
    await eli.getByText('Drift on intent-overview-e2e').waitFor();
    // The alert opens its own window on the Drift page, where a retrain can start from it.
    const report = await prisma.driftReport.findFirstOrThrow({
      where: { alert: true, modelVersion: { version: 'intent-overview-e2e' } },
    });
    const open = eli
      .locator('li.alert')
      .filter({ hasText: 'Drift on intent-overview-e2e' })
      .getByRole('link', { name: 'Open this window in Drift' });
    expect(await open.getAttribute('href')).toBe(`/drift?window=${report.id}`);
    expect(await eli.getByTestId('kpi-turns').textContent()).toBe('40');
    expect(await eli.getByTestId('kpi-escalation').textContent()).toBe('10.0 %');
    expect(await eli.getByTestId('kpi-low-confidence').textContent()).toBe('10.0 %');
    const ratings = await prisma.feedback.aggregate({
      where: { rating: { not: null }, createdAt: { gte: new Date(Date.now() - 26 * HOUR) } },
      _avg: { rating: true },
    });
    expect(await eli.getByTestId('kpi-csat').textContent()).toContain(
      `${ratings._avg.rating?.toFixed(2)} / 5`,
    );
    expect(await eli.getByText(/intent mix \(PSI\) 0\.71 > 0\.25/).count()).toBe(1);
    // Four charts, each drawn (recharts renders an SVG once it has measured its box).
    await expect.poll(() => eli.locator('figure.chart .recharts-cartesian-grid').count()).toBe(4);
    expect(await eli.locator('figure.chart .recharts-bar-rectangle').count()).toBeGreaterThan(0);
    // Each hour of a rate is a dot, so two hours of data are two points on each line, not a stray dash.
    const rates = eli.locator('figure.chart').filter({ hasText: 'Escalation and low-confidence rate' });
    expect(await rates.locator('.recharts-line-dots circle').count()).toBeGreaterThanOrEqual(4);
    // The hours on the axis are evenly spaced, first to last, with no wider gap before the last.
    const ticks = await rates
      .locator('.recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value')
      .evaluateAll((els) =>
        els.map((e) => e.getBoundingClientRect().x + e.getBoundingClientRect().width / 2),
      );
    expect(ticks).toHaveLength(5);
    const gaps = ticks.slice(1).map((x, i) => x - (ticks[i] ?? 0));
    expect(Math.max(...gaps) - Math.min(...gaps)).toBeLessThan(2);
    // The last hour's label is whole, not cut by the chart's edge.
    const last = rates.locator('.recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value').last();
    expect(
      await last.evaluate(
        (e) => e.getBoundingClientRect().right <= (e.closest('svg')?.getBoundingClientRect().right ?? 0),
      ),
    ).toBe(true);
    await eli.getByText('The numbers behind the charts').click();
    expect(await eli.getByRole('row', { name: /intent-overview-e2e 20/ }).textContent()).toMatch(
      /20.*ms.*ms/,
    );
    await checkPage(eli, 'overview');

    await eli.getByRole('link', { name: '7 days' }).click();
    await eli.waitForURL((u) => u.search === '?hours=168');
    expect(await eli.getByRole('link', { name: '7 days' }).getAttribute('aria-current')).toBe('page');
    expect(await eli.getByTestId('kpi-turns').textContent()).toBe('40');
    await eli.context().close();
  });

  it('the open alerts say how many alerts they leave out, and where every window is', async () => {
    // 25 alerts in the last hours: more than the overview's 20, whatever ran before.
    const v = await bareModelVersion(prisma, 'intent-overview-e2e-many');
    const thisHour = Math.floor(Date.now() / HOUR) * HOUR;
    await prisma.driftReport.createMany({
      data: Array.from({ length: 25 }, (_, i) => ({
        ...intentAlert(v.id, new Date(thisHour - (i + 1) * HOUR), new Date(thisHour - i * HOUR)),
        createdAt: new Date(Date.now() - i * 60_000),
      })),
    });
    try {
      const eli = await signedIn(browser, 'engineer');
      await eli.goto(url('/overview'));
      // The page's window: the last 24 whole hours and the one under way.
      const from = new Date(thisHour - 24 * HOUR);
      const total = await prisma.driftReport.count({ where: { alert: true, createdAt: { gte: from } } });
      expect(await eli.getByTestId('alerts-shown').textContent()).toBe(
        `The latest 20 of ${total} alerts: Drift lists the drift windows, alerts marked.`,
      );
      expect(await eli.locator('li.alert').count()).toBe(20);
      expect(
        await eli.getByTestId('alerts-shown').getByRole('link', { name: 'Drift' }).getAttribute('href'),
      ).toBe('/drift');
      await checkPage(eli, 'overview-more');
      await eli.context().close();
    } finally {
      await prisma.driftReport.deleteMany({ where: { modelVersionId: v.id } });
      await prisma.modelVersion.delete({ where: { id: v.id } });
    }
  });
});
