import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { testEnv } from '@acsa/db/testing';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect, inject } from 'vitest';

export const SCREENSHOTS = new URL('../../../var/screenshots/', import.meta.url).pathname;
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Debian's Chromium with the flags that work on a machine without a display, a GPU or the internet. */
export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: testEnv().chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

export type TDemoUser = 'reviewer' | 'reviewer2' | 'engineer' | 'admin';

/** A fresh browser context signed in as one of the seeded demo users, through the sign-in form. */
export async function signedIn(
  browser: Browser,
  who: TDemoUser,
  /** Another console than the suite's (e.g. one on the storefront test's shop database). */
  at: { consoleUrl: string; password: string } = {
    consoleUrl: inject('consoleUrl'),
    password: inject('password'),
  },
): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${at.consoleUrl}/sign-in`);
  await page.getByLabel('Email').fill(`${who}@example.com`);
  await page.getByLabel('Password').fill(at.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Console' }).waitFor();
  return page;
}

export const url = (path: string) => `${inject('consoleUrl')}${path}`;

/**
 * Saves a full-page screenshot as var/screenshots/NAME.png and runs axe-core on the page: no serious or
 * critical accessibility violation may be present.
 */
export async function checkPage(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Check the settled page: after a mutation the console refreshes its server components, and for a moment
  // Next.js may have the old <title> out and the new one not yet in. A page that never gets one still fails
  // below.
  await page
    .waitForFunction(() => document.title.trim() !== '', null, { timeout: 5000 })
    .catch(() => undefined);
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
  await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: unknown[] }> } }).axe;
    const r = await axe.run();
    return (r.violations as { id: string; impact: string; help: string; nodes: { target: string[] }[] }[])
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
  expect(violations, `axe on ${name}`).toEqual([]);
}
