import { createHash } from 'node:crypto';
import type { PrismaClient } from '@acsa/db';
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

describe('admin', () => {
  it('an admin creates a publishable key (shown once), revokes it, changes a role, and filters the audit log', async () => {
    const ada = await signedIn(browser, 'admin');
    await ada.goto(url('/admin'));
    const form = ada.getByRole('form', { name: 'Create an API key' });
    await form.getByLabel('Name').fill('e2e shop web');
    // A path is not an origin: refused with why.
    await form.getByLabel('Allowed origins (space or comma between)').fill('https://shop.example/checkout');
    await form.getByRole('button', { name: 'Create key' }).click();
    await ada.getByRole('alert').filter({ hasText: 'has a path (/checkout)' }).waitFor();
    await form
      .getByLabel('Allowed origins (space or comma between)')
      .fill('https://shop.example, http://127.0.0.1:3100');
    await form.getByRole('button', { name: 'Create key' }).click();
    const key = (await ada.getByTestId('new-key').textContent()) ?? '';
    expect(key).toMatch(/^acsa_pk_/);
    const row = await prisma.apiKey.findFirstOrThrow({ where: { name: 'e2e shop web' } });
    expect(row).toMatchObject({
      kind: 'PUBLISHABLE',
      allowedOrigins: ['https://shop.example', 'http://127.0.0.1:3100'],
      hash: createHash('sha256').update(key).digest('hex'),
      revokedAt: null,
    });
    await ada.locator('tr[data-key="e2e shop web"]').waitFor();
    await checkPage(ada, 'admin-key-created');

    ada.once('dialog', (d) => {
      expect(d.message()).toContain('within 30 s');
      void d.accept();
    });
    await ada.getByRole('button', { name: 'Revoke e2e shop web' }).click();
    await expect.poll(() => ada.locator('tr[data-key="e2e shop web"]').textContent()).toContain('revoked');
    expect((await prisma.apiKey.findUniqueOrThrow({ where: { id: row.id } })).revokedAt).not.toBeNull();
    // A revoked key is no longer offered for copying, even on the page that just made it.
    await expect.poll(() => ada.getByTestId('new-key').count()).toBe(0);
    expect(await ada.content()).not.toContain(key);
    // Shown once: a reload has the prefix only.
    await ada.reload();
    await ada.locator('tr[data-key="e2e shop web"]').waitFor();
    expect(await ada.content()).not.toContain(key);

    // A reviewer made engineer sees the engineers' pages on their next page; then back to reviewer.
    await ada.getByLabel('Role of reviewer2@example.com').selectOption('ENGINEER');
    await expect
      .poll(
        async () => (await prisma.user.findUniqueOrThrow({ where: { email: 'reviewer2@example.com' } })).role,
      )
      .toBe('ENGINEER');
    const rex = await signedIn(browser, 'reviewer2');
    expect(
      await rex.getByRole('navigation', { name: 'Console' }).getByRole('link').allTextContents(),
    ).toContain('Models');
    await rex.context().close();
    await ada.getByLabel('Role of reviewer2@example.com').selectOption('REVIEWER');
    await expect
      .poll(
        async () => (await prisma.user.findUniqueOrThrow({ where: { email: 'reviewer2@example.com' } })).role,
      )
      .toBe('REVIEWER');
    // One's own account cannot be disabled, and the button says why before anyone clicks it.
    const own = ada.getByRole('button', { name: 'Disable admin@example.com' });
    expect(await own.isDisabled()).toBe(true);
    const reason = ada.locator(`[id="${await own.getAttribute('aria-describedby')}"]`);
    expect(await reason.isVisible()).toBe(true);
    expect(await reason.textContent()).toBe('you cannot disable your own account');
    await checkPage(ada, 'admin');

    // The audit log says what changed in words, and names its target.
    await ada.goto(url('/audit?action=user.role'));
    const roleRow = ada.locator('tbody tr').filter({ hasText: 'role: REVIEWER → ENGINEER' });
    expect(await roleRow.count()).toBeGreaterThan(0);
    expect(await roleRow.first().textContent()).toContain('reviewer2@example.com');
    const full = roleRow.first().getByText('Full record');
    await full.click();
    expect(await roleRow.first().locator('pre').textContent()).toContain('"role": "ENGINEER"');

    await ada.goto(url('/audit'));
    await ada.getByLabel('What').selectOption('api-key.revoke');
    await ada.getByRole('button', { name: 'Filter' }).click();
    await ada.waitForURL((u) => u.searchParams.get('action') === 'api-key.revoke');
    const actions = await ada.locator('tbody tr td:nth-child(3)').allTextContents();
    expect(actions.length).toBeGreaterThan(0);
    expect(new Set(actions)).toEqual(new Set(['api-key.revoke']));
    const revoked = ada.locator('tbody tr').filter({ hasText: 'e2e shop web' });
    expect(await revoked.first().textContent()).toMatch(/revokedAt: — → \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    await checkPage(ada, 'audit-filtered');
    await ada.context().close();

    // Engineers may not manage keys, even through the API.
    const eli = await signedIn(browser, 'engineer');
    const res = await eli.request.post(url('/api/trpc/admin.createKey'), {
      data: { json: { name: 'sneaky', kind: 'SECRET', allowedOrigins: [] } },
    });
    expect(res.status()).toBe(403);
    await eli.context().close();
  });

  it('an admin adds a colleague, who signs in with the password given; a new password signs them out', async () => {
    const ada = await signedIn(browser, 'admin');
    await ada.goto(url('/admin'));
    const email = `mia.${Date.now().toString(36)}@shop.example`;
    const form = ada.getByRole('form', { name: 'Add a user' });
    await form.getByLabel('Email').fill(email);
    await form.getByLabel('Name').fill('Mia Reviewer');
    // Too short first: the server says so, and nothing is added.
    await form.getByLabel('First password').fill('short-pass!');
    await form.getByLabel('First password').evaluate((el) => el.removeAttribute('minlength'));
    await form.getByRole('button', { name: 'Add user' }).click();
    await ada
      .getByRole('alert')
      .filter({ hasText: 'password: the password needs at least 12 characters' })
      .waitFor();
    expect(await prisma.user.count({ where: { email } })).toBe(0);

    await form.getByRole('button', { name: 'Suggest' }).click();
    const password = await form.getByLabel('First password').inputValue();
    expect(password).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{16}$/);
    await form.getByRole('button', { name: 'Add user' }).click();
    await ada
      .getByRole('status')
      .filter({ hasText: `Added Mia Reviewer (${email}) as reviewer.` })
      .waitFor();
    await ada.locator(`tr[data-user="${email}"]`).waitFor();
    await checkPage(ada, 'admin-user-added');

    // Mia signs in with it and reaches the review inbox; the admin pages stay closed to her.
    const mia = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await mia.goto(url('/sign-in'));
    await mia.getByLabel('Email').fill(email);
    await mia.getByLabel('Password').fill(password);
    await mia.getByRole('button', { name: 'Sign in' }).click();
    await mia.getByRole('navigation', { name: 'Console' }).waitFor();
    await mia.goto(url('/review'));
    await mia.getByRole('heading', { level: 1 }).waitFor();
    expect((await mia.request.post(url('/api/trpc/admin.addUser'), { data: { json: {} } })).status()).toBe(
      403,
    );

    // A new password from the admin ends Mia's session at once.
    const row = ada.locator(`tr[data-user="${email}"]`);
    await row.getByRole('button', { name: `Set password for ${email}` }).click();
    await row.getByRole('button', { name: 'Suggest' }).click();
    await row.getByRole('button', { name: 'Save password' }).click();
    await row.getByRole('status').filter({ hasText: 'New password saved; 1 session ended.' }).waitFor();
    await mia.goto(url('/review'));
    await mia.waitForURL(/\/sign-in/);
    const audit = await prisma.auditLog.findMany({
      where: {
        targetType: 'User',
        action: { in: ['user.add', 'user.password'] },
        data: { path: ['after', 'email'], equals: email },
      },
      orderBy: { id: 'asc' },
    });
    expect(audit.map((a) => [a.action, a.actor])).toEqual([
      ['user.add', 'admin@example.com'],
      ['user.password', 'admin@example.com'],
    ]);
    expect(JSON.stringify(audit.map((a) => a.data))).not.toContain(password);
    await mia.context().close();
    await ada.context().close();
  });
});
