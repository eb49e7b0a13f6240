/**
 * The storefront widget's weight and speed (run on purpose: `npx tsx bench/widget/run.ts [--loads 20]`).
 * Prints the script's size (minified, gzip -9) against the 30 kB budget, then, over `--loads` cold loads of
 * the demo shop page in Chromium (serving and the demo shop running as `npm start` runs them): time to
 * interactive (navigation start → the widget's launcher wired, its `acsa-widget-ready` event) and the time
 * from sending a first message to its reply on screen. Peak RSS of this process and of serving beside them.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { launch } from '../../packages/e2e/src/browser.ts';
import { buildWidget, startStorefront } from '../../packages/e2e/src/storefront-stack.ts';

const { values: a } = parseArgs({ options: { loads: { type: 'string', default: '20' } } });
const loads = Number(a.loads);
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(', ');
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};

buildWidget();
const js = readFileSync(new URL('../../packages/widget/dist/acsa-widget.js', import.meta.url));
const gz = gzipSync(js, { level: 9 }).length;
console.log(
  `widget script: ${(js.length / 1024).toFixed(1)} kB minified, ${(gz / 1024).toFixed(1)} kB gzipped (budget 30 kB: ${gz <= 30 * 1024 ? 'within' : 'OVER'})`,
);

const [stack, browser] = await Promise.all([startStorefront(), launch()]);
try {
  const tti: number[] = [];
  const firstReply: number[] = [];
  let heapMb = 0;
  for (let i = 0; i < loads; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.addInitScript(() => {
      window.addEventListener('acsa-widget-ready', () => {
        (window as unknown as { __ready: number }).__ready = performance.now();
      });
    });
    await page.goto(stack.origin);
    await page.waitForFunction(() => (window as unknown as { __ready?: number }).__ready !== undefined);
    tti.push(await page.evaluate(() => (window as unknown as { __ready: number }).__ready));
    const widget = page.locator('[data-acsa-widget]');
    await widget.getByRole('button', { name: 'Chat with us' }).click();
    const sent = Date.now();
    await widget.getByLabel('Your message').fill('what is your refund policy?');
    await widget.getByLabel('Your message').press('Enter');
    await widget.locator('.msg.agent').first().waitFor();
    firstReply.push(Date.now() - sent);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const { metrics } = await cdp.send('Performance.getMetrics');
    heapMb = Math.max(heapMb, (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / 2 ** 20);
    await context.close();
  }
  const rss = process.resourceUsage().maxRSS / 1024;
  console.log(
    `demo page, ${loads} cold loads: time to interactive p50 ${pct(tti, 50).toFixed(0)} ms, p95 ${pct(tti, 95).toFixed(0)} ms; ` +
      `first message to reply on screen p50 ${pct(firstReply, 50).toFixed(0)} ms, p95 ${pct(firstReply, 95).toFixed(0)} ms; ` +
      `page JS heap ≤ ${heapMb.toFixed(1)} MB; bench process peak RSS ${rss.toFixed(0)} MB; load ${load()}`,
  );
} finally {
  await browser.close();
  await stack.close();
}
