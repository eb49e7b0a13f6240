import { bareModelVersion } from '@acsa/db/testing';
import { hashPassword } from '@acsa/pipelines/access';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkPage, launch, signedIn, url } from './browser.ts';
import { testPrisma } from './database.ts';

// Each role signs in and sees only its pages; a page it may not see answers 403 when typed in.
const VISIBLE = {
  reviewer: ['Escalations', 'Review inbox', 'Conversations'],
  engineer: [
    'Overview',
    'Escalations',
    'Review inbox',
    'Conversations',
    'Agreement',
    'Datasets',
    'Models',
    'Runs',
    'Experiments',
    'Shadow',
    'Drift',
    'Queues',
  ],
  admin: [
    'Overview',
    'Escalations',
    'Review inbox',
    'Conversations',
    'Agreement',
    'Datasets',
    'Models',
    'Runs',
    'Experiments',
    'Shadow',
    'Drift',
    'Queues',
    'Admin',
    'Audit log',
  ],
} as const;
const FORBIDDEN = {
  reviewer: [
    '/overview',
    '/agreement',
    '/datasets',
    '/models',
    '/runs',
    '/experiments',
    '/shadow',
    '/drift',
    '/queues',
    '/admin',
    '/audit',
  ],
  engineer: ['/admin', '/audit'],
  admin: [],
} as const;

let browser: Browser;
/** A reviewer of the test's own who signs in with 'demo-pass' (a held email stays held for 15 minutes). */
async function reviewerWithPassword(prisma: ReturnType<typeof testPrisma>, email: string, name: string) {
  const user = await prisma.user.create({ data: { email, name, role: 'REVIEWER' } });
  await prisma.account.create({
    data: {
      providerId: 'credential',
      accountId: user.id,
      userId: user.id,
      password: await hashPassword('demo-pass'),
    },
  });
}

beforeAll(async () => {
  browser = await launch();
});
afterAll(() => browser?.close());

describe('sign-in and roles', () => {
  it('signed out, every page leads to the sign-in form, which refuses a wrong password', async () => {
    const page = await browser.newPage();
    await page.goto(url('/escalations'));
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await checkPage(page, 'sign-in');
    await page.getByLabel('Email').fill('reviewer@example.com');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('form [role=alert]').textContent()).toMatch(/do not match/);
    await checkPage(page, 'sign-in-error');
    const api = await page.request.get(url('/api/trpc/escalations.list?input=%7B%7D'));
    expect(api.status()).toBe(401);
    await page.close();
  });

  it('a link followed signed out goes on to its page after sign-in; one that would leave the console goes home', async () => {
    const signIn = async (page: Page) => {
      await page.getByLabel('Email').fill('reviewer@example.com');
      await page.getByLabel('Password').fill(inject('password'));
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('navigation', { name: 'Console' }).waitFor();
    };
    const page = await (await browser.newContext()).newPage();
    await page.goto(url('/conversations?q=refund'));
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await signIn(page);
    expect(page.url()).toBe(url('/conversations?q=refund'));
    // A link made to send the reviewer elsewhere once signed in (a browser reads a backslash after the first slash as a second slash).
    const lured = await (await browser.newContext()).newPage();
    await lured.goto(url('/sign-in?next=%2F%5Cevil.example%2Fsign-in'));
    await signIn(lured);
    expect(new URL(lured.url()).origin).toBe(new URL(url('/')).origin);
    expect(new URL(lured.url()).pathname).toBe('/escalations');
    await Promise.all([page.context().close(), lured.context().close()]);
  });

  it('after five wrong passwords for an email the form says to wait, and the right one waits too, until an admin clears them', async () => {
    // A user of its own: a held email stays held for 15 minutes, and the other specs sign the demo users in.
    const prisma = testPrisma();
    await reviewerWithPassword(prisma, 'held@example.com', 'Held');
    await prisma.$disconnect();
    const page = await browser.newPage();
    await page.goto(url('/sign-in'));
    const attempt = async (password: string) => {
      await page.getByLabel('Email').fill('held@example.com');
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.getByRole('button', { name: 'Sign in' }).isEnabled()).toBe(true);
    };
    for (let i = 0; i < 5; i++) {
      await attempt(`guess-${i}`);
      await expect.poll(() => page.locator('form [role=alert]').textContent()).toMatch(/do not match/);
    }
    await attempt('demo-pass');
    await expect
      .poll(() => page.locator('form [role=alert]').textContent())
      .toMatch(/Too many failed sign-ins .* Try again in 15 minutes\./);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await checkPage(page, 'sign-in-throttled');

    // An admin sees who is being held and clears it; the user gets in at once, from the same place.
    const ada = await signedIn(browser, 'admin');
    await ada.goto(url('/admin'));
    const row = ada.locator('tr[data-user="held@example.com"]');
    expect(await row.textContent()).toMatch(/5 failed sign-ins in the last 15 min, the last/);
    await checkPage(ada, 'admin-sign-in-held');
    await row.getByRole('button', { name: 'Clear failed sign-ins of held@example.com' }).click();
    await expect.poll(() => row.textContent()).not.toMatch(/failed sign-ins/);
    await ada.goto(url('/audit?action=auth.sign-in-unlock'));
    expect(await ada.locator('tbody tr').first().textContent()).toMatch(
      /held@example\.com.*failedSignIns: 5 → 0/,
    );
    await ada.context().close();
    await page.getByLabel('Password').fill('demo-pass');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => u.pathname !== '/sign-in');
    await page.close();
  });

  it("an office address held for others' failures holds a colleague too, until an admin lets her through from there", async () => {
    const office = '203.0.113.64';
    const prisma = testPrisma();
    await reviewerWithPassword(prisma, 'desk@example.com', 'Desk');
    // One machine in the office guessed at thirty accounts (as the sign-in guard records each try).
    await prisma.auditLog.createMany({
      data: Array.from({ length: 30 }, (_, i) => ({
        actorType: 'USER' as const,
        actor: `sprayed-${i}@example.com`,
        action: 'auth.sign-in-attempt',
        targetType: 'User',
        data: { address: office },
      })),
    });
    await prisma.$disconnect();
    // Her browser, behind the office's address (the console takes it from the proxy's X-Forwarded-For).
    const context = await browser.newContext({ extraHTTPHeaders: { 'x-forwarded-for': office } });
    const page = await context.newPage();
    const signIn = async (email: string) => {
      await page.goto(url('/sign-in'));
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill('demo-pass');
      await page.getByRole('button', { name: 'Sign in' }).click();
    };
    await signIn('desk@example.com');
    await expect
      .poll(() => page.locator('form [role=alert]').textContent())
      .toMatch(/Too many failed sign-ins/);

    const ada = await signedIn(browser, 'admin');
    await ada.goto(url('/admin'));
    const held = ada.locator(`li[data-held-address="${office}"]`);
    expect(await held.textContent()).toMatch(
      /203\.0\.113\.64: 30 failed sign-ins for 30 emails; everyone signing in from there is held until \d{2}:\d{2} UTC\./,
    );
    // The button says whom it lets in, and from where.
    expect(
      await held.getByRole('button', { name: `Let a colleague sign in from ${office}` }).isDisabled(),
    ).toBe(true);
    await held
      .getByLabel(`Colleague to let through from ${office}`)
      .selectOption({ label: 'desk@example.com' });
    await held.getByRole('button', { name: `Let desk@example.com sign in from ${office}` }).click();
    await expect
      .poll(() => held.getByRole('status').textContent())
      .toBe(`desk@example.com may sign in from ${office} now.`);
    await checkPage(ada, 'admin-address-held');
    // The audit log says what changed, with no "[]" for an empty list nor a line for "nothing → nothing".
    await ada.goto(url('/audit?action=auth.sign-in-unlock'));
    const unlock = ada.locator('tbody tr').filter({ hasText: 'desk@example.com' }).first();
    expect(await unlock.locator('ul').textContent()).toBe(`passesHold: — → ${office}`);
    await ada.context().close();

    await signIn('desk@example.com');
    await page.waitForURL((u) => u.pathname !== '/sign-in');
    // Only her: anyone else from the office is still held.
    await context.clearCookies();
    await signIn('reviewer@example.com');
    await expect
      .poll(() => page.locator('form [role=alert]').textContent())
      .toMatch(/Too many failed sign-ins/);
    await context.close();
  });

  for (const who of ['reviewer', 'engineer', 'admin'] as const) {
    it(`${who} sees only their pages, and a page above their role answers 403`, async () => {
      const page = await signedIn(browser, who);
      const nav = page.getByRole('navigation', { name: 'Console' });
      expect(await nav.getByRole('link').allTextContents()).toEqual(VISIBLE[who]);
      // The current section is marked, for eyes and for screen readers; a page under it marks it too.
      const home = VISIBLE[who][0];
      await nav.getByRole('link', { name: home }).click();
      await expect.poll(() => nav.locator('[aria-current="page"]').allTextContents()).toEqual([home]);
      // At 1280 px the bar is one row, even with the admin's links, and "Sign out" is one line.
      const tops = await nav
        .getByRole('link')
        .evaluateAll((links) => links.map((l) => Math.round(l.getBoundingClientRect().top)));
      expect(new Set(tops).size).toBe(1);
      const signOut = await page.getByRole('button', { name: 'Sign out' }).boundingBox();
      expect(signOut?.height).toBeLessThan(32);
      for (const path of FORBIDDEN[who]) {
        const res = await page.goto(url(path));
        expect(res?.status(), path).toBe(403);
        await expect
          .poll(() => page.getByRole('heading', { level: 1 }).textContent())
          .toBe('Not for your role');
        await checkPage(page, `forbidden-${who}${path.replaceAll('/', '-')}`);
      }
      // The server refuses the procedures behind a page too, not only the page.
      const api = await page.request.get(url('/api/trpc/agreement.report'));
      expect(api.status()).toBe(who === 'reviewer' ? 403 : 200);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL((u) => u.pathname === '/sign-in');
      await page.context().close();
    });
  }

  it('the admin reads the audit log of what was done', async () => {
    const page = await signedIn(browser, 'admin');
    // What the registry writes when it moves an alias (the models spec makes real ones, in its own order).
    const prisma = testPrisma();
    await prisma.auditLog.create({
      data: {
        actorType: 'SYSTEM',
        actor: 'system:trainer',
        action: 'model.alias.promote',
        targetType: 'ModelAlias',
        targetId: 'production',
        data: { from: null, to: '0193b6a0-2222-7000-8000-0000b0a38f2f', toVersion: 3, reason: 'gate passed' },
      },
    });
    // A rollback from a version still registered: named by the server, not by the end of its id.
    const rolledBack = await bareModelVersion(prisma, 'intent-audit-e2e');
    await prisma.auditLog.create({
      data: {
        actorType: 'USER',
        actor: 'engineer@example.com',
        action: 'model.alias.rollback',
        targetType: 'ModelAlias',
        targetId: 'production',
        data: {
          from: rolledBack.id,
          to: '0193b6a0-2222-7000-8000-0000b0a38f2f',
          toVersion: 3,
          reason: 'e2e',
        },
      },
    });
    await page.goto(url('/audit'));
    expect(await page.getByRole('cell', { name: 'auth.sign-in', exact: true }).count()).toBeGreaterThan(0);
    // Password checks (one per sign-in try) are left out until asked for, and the choice is kept.
    const checks = page.getByRole('cell', { name: 'auth.sign-in-attempt' });
    expect(await checks.count()).toBe(0);
    await page.getByLabel('Password checks').check();
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL((u) => u.searchParams.get('checks') === '1');
    expect(await checks.count()).toBeGreaterThan(0);
    expect(await page.getByLabel('Password checks').isChecked()).toBe(true);
    await page.goto(url('/audit'));
    // The alias is named whole, not by the end of its name.
    const alias = page.locator('tbody tr').filter({ hasText: 'model.alias.promote' }).first();
    expect(await alias.locator('td:nth-child(4)').textContent()).toBe('model alias production');
    // Each version by its name: the one the entry holds for `to`, the server's for `from`.
    expect(await alias.locator('ul').textContent()).toBe('to: 3from: —reason: gate passed');
    const rollback = page.locator('tbody tr').filter({ hasText: 'model.alias.rollback' }).first();
    expect(await rollback.locator('ul').textContent()).toBe('to: 3from: intent-audit-e2ereason: e2e');
    await prisma.modelVersion.delete({ where: { id: rolledBack.id } });
    // One line per moment, and a table that fits the window.
    const when = page.locator('tbody tr td:first-child time').first();
    expect((await when.boundingBox())?.height).toBeLessThan(30);
    const inItsCell = (t: Element) => {
      const cell = t.closest('td');
      return cell !== null && t.getBoundingClientRect().right <= cell.getBoundingClientRect().right;
    };
    expect(await when.evaluate(inItsCell)).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    await checkPage(page, 'audit-admin');

    // Fifty entries a page; "Older entries" goes on from the last one shown, keeping the filter.
    await prisma.auditLog.createMany({
      data: Array.from({ length: 60 }, (_, i) => ({
        actorType: 'SYSTEM' as const,
        actor: 'system:e2e-pager',
        action: 'queue.replay',
        targetType: 'DeadLetter',
        targetId: `dl-${i}`,
        data: { n: i },
      })),
    });
    await prisma.$disconnect();
    // "Who" matches any part of what its column shows, in any case.
    const who = page.getByLabel('Who (any part)');
    expect(await who.getAttribute('placeholder')).toBe('engineer@, system:…');
    await who.fill('E2E-PAGER');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL((u) => u.searchParams.get('actor') === 'E2E-PAGER');
    expect(await page.locator('tbody tr').count()).toBe(50);
    expect(await page.locator('tbody tr').first().textContent()).toContain('dl-59');
    const older = page.getByRole('link', { name: 'Older entries' });
    await older.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.searchParams.has('before'));
    expect(new URL(page.url()).searchParams.get('actor')).toBe('E2E-PAGER');
    expect(await page.locator('tbody tr').count()).toBe(10);
    expect(await page.locator('tbody tr').last().textContent()).toContain('dl-0');
    expect(await page.getByRole('link', { name: 'Older entries' }).count()).toBe(0);
    await checkPage(page, 'audit-older');
    await page.getByRole('link', { name: 'Newest entries' }).click();
    await page.waitForURL((u) => !u.searchParams.has('before'));
    await page.context().close();
  });
});
