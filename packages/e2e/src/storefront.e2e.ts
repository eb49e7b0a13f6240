import { randomBytes } from 'node:crypto';
import type { Browser, Page, Response, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintCustomerToken } from '../../../apps/demo-shop/src/customer-token.ts';
import { TOKEN_SECRET } from '../../../apps/serving/test/harness.ts';
import { seedAccess } from '../../../prisma/seed/access.ts';
import { checkPage, launch, SCREENSHOTS, signedIn } from './browser.ts';
import { freePort, startConsole, stopConsole } from './console-server.ts';
import { PUBLISHABLE_KEY, SECRET_KEY, startStorefront, type TStorefront } from './storefront-stack.ts';

// A shopper on the demo shop page, talking to the agent through the widget, with serving and the page as
// `npm start` runs them. Each step is one a person would take, checked where a person (or the shop) would
// notice: the widget's words, the database, the console's queue.
let browser: Browser;
let stack: TStorefront;
let page: Page;
let tracking: string;

const widget = () => page.locator('[data-acsa-widget]');
/** What has the keyboard focus in the widget: the message box's id, or a button's accessible name. */
const focused = (on: Page = page) =>
  on.evaluate(() => {
    const el = document.querySelector('[data-acsa-widget]')?.shadowRoot?.activeElement;
    return el ? el.id || el.getAttribute('aria-label') || el.textContent : null;
  });
const agentMessages = () => widget().locator('.msg.agent');
async function say(text: string) {
  await widget().getByLabel('Your message').fill(text);
  await widget().getByLabel('Your message').press('Enter');
}
/** Sends a message from the keyboard and returns the agent's next reply (a new one, not an earlier match). */
async function ask(text: string, timeout = 20_000): Promise<string> {
  const before = await agentMessages().count();
  await say(text);
  await expect.poll(() => agentMessages().count(), { timeout }).toBe(before + 1);
  return (await agentMessages().last().textContent()) ?? '';
}

beforeAll(async () => {
  [browser, stack] = await Promise.all([launch(), startStorefront()]);
  const order = await stack.shop.db.prisma.order.findUniqueOrThrow({
    where: { number: 10042 },
    include: { shipments: true },
  });
  tracking = order.shipments[0]?.trackingNumber ?? '';
  page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('the demo shop and its chat widget', () => {
  it('answers a guest about order 10042 after the email, and keeps the conversation across a reload', async () => {
    await page.goto(stack.origin);
    await page.getByRole('heading', { name: 'Products' }).waitFor();
    await checkPage(page, 'storefront-page');
    await widget().getByRole('button', { name: 'Chat with us' }).click();
    // Opening the panel puts the cursor in the message box, for a shopper on the keyboard.
    await expect
      .poll(() =>
        page.evaluate(() => document.querySelector('[data-acsa-widget]')?.shadowRoot?.activeElement?.id),
      )
      .toBe('acsa-input');
    await checkPage(page, 'storefront-widget-open');
    // Escape closes the panel and gives the focus back to the launcher; Enter on it opens it again.
    await page.keyboard.press('Escape');
    await widget().getByRole('dialog').waitFor({ state: 'hidden' });
    expect(
      await page.evaluate(
        () => document.querySelector('[data-acsa-widget]')?.shadowRoot?.activeElement?.className,
      ),
    ).toBe('launcher');
    await page.keyboard.press('Enter');
    await widget().getByRole('dialog').waitFor();
    // An empty conversation says what the agent can help with; the first message takes its place.
    const hint = widget().getByText('Ask about an order (its number helps), a delivery, a return or refund');
    expect(await hint.isVisible()).toBe(true);
    expect(await ask('where is my order 10042?')).toMatch(/email/i);
    expect(await hint.isVisible()).toBe(false);
    expect(await ask('alex.morgan@example.com')).toContain(tracking);
    await checkPage(page, 'storefront-widget-tracking');

    await page.reload();
    // The transcript is back and the panel still open; the conversation goes on without the email again.
    await agentMessages().filter({ hasText: tracking }).waitFor();
    expect(await ask('and where is it now?')).toContain(tracking);
  });

  it('lets Alex, signed in, cancel a paid order through the quick reply', async () => {
    await page.getByRole('button', { name: 'Sign in as Alex Morgan' }).click();
    await page.getByText('Signed in as').waitFor();
    // A new customer: a new conversation, the guest's transcript gone.
    expect(await widget().locator('.msg.agent').count()).toBe(0);
    expect(await ask('I want to cancel order 10110')).toMatch(/cancel/i);
    await widget().getByRole('button', { name: 'Yes, cancel it' }).waitFor();
    await checkPage(page, 'storefront-widget-quick-replies');
    const before = await agentMessages().count();
    await widget().getByRole('button', { name: 'Yes, cancel it' }).click();
    await expect.poll(() => agentMessages().count()).toBe(before + 1);
    expect(await agentMessages().last().textContent()).toMatch(/cancelled/i);
    await expect
      .poll(
        async () => (await stack.shop.db.prisma.order.findUniqueOrThrow({ where: { number: 10110 } })).status,
      )
      .toBe('CANCELLED');
    await checkPage(page, 'storefront-widget-cancelled');
  });

  it('asks for a rating at the end: thumbs down makes a review item, then a 1-5 score from the keyboard', async () => {
    const before = await stack.shop.db.prisma.reviewItem.count({ where: { reason: 'NEGATIVE_FEEDBACK' } });
    await ask('thank you!');
    await widget().getByRole('button', { name: 'No, it was not helpful' }).click();
    await expect
      .poll(
        async () =>
          (await stack.shop.db.prisma.feedback.findFirst({ orderBy: { createdAt: 'desc' } }))?.thumbs ?? null,
      )
      .toBe(false);
    // No thanks between the two questions: they come once the customer is done.
    expect(await widget().getByText('Thank you for your feedback').count()).toBe(0);
    await expect
      .poll(() => stack.shop.db.prisma.reviewItem.count({ where: { reason: 'NEGATIVE_FEEDBACK' } }))
      .toBe(before + 1);
    // The satisfaction score comes next, focus on its first button: Tab to "2 of 5" and Enter.
    await widget()
      .getByRole('group', { name: /How satisfied are you/ })
      .waitFor();
    await checkPage(page, 'storefront-widget-csat');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect
      .poll(
        async () =>
          (await stack.shop.db.prisma.feedback.findFirst({ where: { rating: { not: null } } }))?.rating,
      )
      .toBe(2);
    await widget().getByText('Thank you for your feedback').waitFor();
    await expect
      .poll(() =>
        widget()
          .getByRole('group', { name: /How satisfied are you/ })
          .count(),
      )
      .toBe(0);
    // Rated from the keyboard, the shopper is back in the message box, not on the page's body.
    await expect.poll(focused).toBe('acsa-input');
    await checkPage(page, 'storefront-widget-rated');
  });

  it('hands over to a person: the widget says so, and a reviewer finds it in the console queue', async () => {
    await ask('I want to talk to a real person');
    await widget()
      .getByText('A person from our team will follow up: they have our whole conversation.')
      .waitFor();
    await checkPage(page, 'storefront-widget-escalated');
    // A guest who gave no email is asked where the team can write, after the hand-over.
    const guest = await (await browser.newContext()).newPage();
    await guest.goto(stack.origin);
    const guestWidget = guest.locator('[data-acsa-widget]');
    await guestWidget.getByRole('button', { name: 'Chat with us' }).click();
    for (const [text, answer] of [
      ['please, I want to talk to a person', 'what email address should they write to?'],
      ['sam.lee@example.com', 'the team will write to sam.lee@example.com'],
    ] as const) {
      await guestWidget.getByLabel('Your message').fill(text);
      await guestWidget.getByLabel('Your message').press('Enter');
      await guestWidget.locator('.msg.agent', { hasText: answer }).waitFor();
    }
    await guest.context().close();

    // The console on the shop's database, as `npm start` runs it beside serving: a reviewer opens the queue.
    const password = randomBytes(9).toString('base64url');
    await seedAccess(stack.shop.db.prisma, { demoPassword: password });
    const port = await freePort();
    const consoleProcess = await startConsole({
      databaseUrl: stack.shop.db.url,
      port,
      queuePrefix: stack.shop.redis.prefix,
    });
    try {
      const rae = await signedIn(browser, 'reviewer', { consoleUrl: `http://127.0.0.1:${port}`, password });
      await rae.goto(`http://127.0.0.1:${port}/escalations`);
      const card = rae.locator('article, li').filter({ hasText: 'I want to talk to a real person' }).first();
      await card.waitFor();
      expect(await card.textContent()).toContain('alex.morgan@example.com');
      // The guest's card is named by the email given after the hand-over, not "Anonymous customer".
      const guestCard = rae.locator('article').filter({ hasText: 'please, I want to talk to a person' });
      expect(await guestCard.getByRole('heading').first().textContent()).toContain('sam.lee@example.com');
      await checkPage(rae, 'storefront-escalation-in-console');
      await rae.context().close();
    } finally {
      stopConsole(consoleProcess);
    }
  });

  it('says when an expired conversation made way for a new one, and adds messages without redrawing the old', async () => {
    // The conversation's server session is gone (30 minutes without a message, or its token refused): as if
    // the token the page kept were one serving no longer knows.
    await page.evaluate(() => {
      const key = Object.keys(localStorage).find((k) => k.startsWith('acsa-widget:'))!;
      const saved = JSON.parse(localStorage.getItem(key)!);
      localStorage.setItem(key, JSON.stringify({ ...saved, sessionToken: 'expired-token-0123456789abcdef' }));
    });
    await page.reload();
    await agentMessages().first().waitFor();
    expect(await widget().getByText('A person from our team will follow up').isVisible()).toBe(true);
    // The messages already shown stay the same nodes: a screen reader is not read the whole log again.
    await widget()
      .locator('.msg')
      .first()
      .evaluate((el) => {
        (el as HTMLElement).dataset.seen = 'yes';
      });
    await ask('how long does delivery take?');
    expect(await widget().locator('.msg').first().getAttribute('data-seen')).toBe('yes');
    await widget()
      .getByText('Your earlier conversation had ended, so this message started a new one.')
      .waitFor();
    // What belonged to the old conversation went with it: no hand-over note.
    await expect
      .poll(() => widget().getByText('A person from our team will follow up').isVisible())
      .toBe(false);
    await checkPage(page, 'storefront-widget-new-conversation');
  });

  it('says an expired sign-in in words, tells the page, and sends again once the page gave a fresh token', async () => {
    const alex = await stack.shop.db.prisma.customer.findUniqueOrThrow({
      where: { email: 'alex.morgan@example.com' },
    });
    // The page's token outlived its hour (same shopper: the conversation stays).
    const expired = mintCustomerToken(TOKEN_SECRET, alex.id, -60);
    await page.evaluate((token) => {
      const w = window as unknown as {
        expiredSignIns: number;
        AcsaWidget: { setCustomerToken(t: string): void };
      };
      w.expiredSignIns = 0;
      addEventListener('acsa-customer-token-expired', () => {
        w.expiredSignIns++;
      });
      w.AcsaWidget.setCustomerToken(token);
    }, expired);
    const before = await agentMessages().count();
    await say('where is my order 10042?');
    const line = widget().locator('.msg.system').last();
    await expect
      .poll(() => line.textContent())
      .toBe(
        'Your message could not be sent: your sign-in with the shop has expired. Once you are signed in again, choose "Send again".',
      );
    expect(await page.evaluate(() => (window as unknown as { expiredSignIns: number }).expiredSignIns)).toBe(
      1,
    );
    expect(await agentMessages().count()).toBe(before);
    await checkPage(page, 'storefront-widget-sign-in-expired');
    // The demo shop answered the event with a fresh token: the message kept is sent again, and answered.
    const users = await widget().locator('.msg.user').count();
    await widget().getByRole('button', { name: 'Send again' }).click();
    await expect.poll(() => agentMessages().count()).toBe(before + 1);
    expect(await agentMessages().last().textContent()).toContain(tracking);
    expect(await widget().locator('.msg.user').count()).toBe(users);
  });

  it('says an answer that is slow in coming is slow, then shows it', async () => {
    // Serving holds the turn (a stalled mobile network looks the same to the page).
    let held: Route | null = null;
    await page.route('**/v1/chat', async (route) => {
      if (route.request().method() === 'POST' && !held) held = route;
      else await route.continue();
    });
    const before = await agentMessages().count();
    await say('what is your refund policy?');
    const typing = widget().locator('.typing');
    await expect.poll(() => typing.textContent()).toBe('The assistant is typing…');
    await expect
      .poll(() => typing.textContent(), { timeout: 15_000 })
      .toBe('This is taking longer than usual…');
    await checkPage(page, 'storefront-widget-slow');
    await (held as Route | null)?.continue();
    await page.unroute('**/v1/chat');
    await expect.poll(() => agentMessages().count(), { timeout: 15_000 }).toBe(before + 1);
    expect(await typing.isVisible()).toBe(false);
    expect(await typing.textContent()).toBe('The assistant is typing…');
  });

  it('keeps what another tab of the shop was told: opening the panel here does not write over it', async () => {
    const other = await page.context().newPage();
    await other.goto(stack.origin);
    const otherWidget = other.locator('[data-acsa-widget]');
    // The panel opens as it was left (open, from the first tab).
    await otherWidget.getByLabel('Your message').waitFor();
    await otherWidget.getByLabel('Your message').fill('do you ship to Canada?');
    await otherWidget.getByLabel('Your message').press('Enter');
    await otherWidget
      .locator('.msg.agent', { hasText: /Canada/ })
      .last()
      .waitFor();
    // This tab shows it too, and closing and opening its panel keeps it, across a reload.
    await widget().locator('.msg.user', { hasText: 'do you ship to Canada?' }).waitFor();
    await widget().getByRole('button', { name: 'Close chat' }).click();
    await widget().getByRole('button', { name: 'Chat with us' }).click();
    await page.reload();
    await widget().locator('.msg.user', { hasText: 'do you ship to Canada?' }).waitFor();
    await other.close();
  });

  it('answers a message once when its answer was lost on the way and the widget sent it again', async () => {
    // Serving answers the first attempt, but the connection drops before the page reads it (a proxy's
    // timeout, a phone between cells): the widget sends the message again, with the same key.
    const text = 'can I change the delivery address of my order?';
    let dropped = false;
    await page.route('**/v1/chat', async (route) => {
      if (route.request().method() !== 'POST' || dropped) return route.continue();
      dropped = true;
      await route.fetch();
      await route.abort('connectionreset');
    });
    const replayed: string[] = [];
    const onResponse = (r: Response) => {
      if (r.url().endsWith('/v1/chat') && r.request().method() === 'POST')
        replayed.push(r.headers()['idempotent-replayed'] ?? 'no');
    };
    page.on('response', onResponse);
    const before = await agentMessages().count();
    await say(text);
    await expect.poll(() => agentMessages().count(), { timeout: 20_000 }).toBe(before + 1);
    page.off('response', onResponse);
    await page.unroute('**/v1/chat');
    expect(dropped).toBe(true);
    expect(replayed).toEqual(['true']);
    expect(await widget().locator('.msg.user', { hasText: text }).count()).toBe(1);
    const stored = await stack.shop.db.prisma.message.findMany({ where: { role: 'USER', text } });
    expect(stored).toHaveLength(1);
    // The conversation goes on after the one turn: the next message takes the next place.
    const answers = await stack.shop.db.prisma.message.count({
      where: { conversationId: stored[0]?.conversationId, seq: (stored[0]?.seq ?? 0) + 1 },
    });
    expect(answers).toBe(1);
  });

  it('answers a message sent just before the shopper left the page, on the next page, once', async () => {
    // Serving stores and answers the message, but the page is gone before the answer arrives (a link
    // followed, a reload): the next page sends it again with its key and shows the answer serving gave.
    const text = 'how do I return a damaged item?';
    let reached = false;
    await page.route('**/v1/chat', async (route) => {
      if (route.request().method() !== 'POST' || reached) return route.continue();
      await route.fetch();
      reached = true;
    });
    await say(text);
    await expect.poll(() => reached).toBe(true);
    await page.unroute('**/v1/chat');
    const replayed: string[] = [];
    const onResponse = (r: Response) => {
      if (r.url().endsWith('/v1/chat') && r.request().method() === 'POST')
        replayed.push(r.headers()['idempotent-replayed'] ?? 'no');
    };
    page.on('response', onResponse);
    await page.reload();
    const user = widget().locator('.msg.user', { hasText: text });
    await user.waitFor();
    await expect
      .poll(() => user.evaluate((li) => li.nextElementSibling?.className ?? null), { timeout: 20_000 })
      .toBe('msg agent');
    page.off('response', onResponse);
    expect(replayed).toEqual(['true']);
    expect(await user.count()).toBe(1);
    expect(await widget().getByRole('button', { name: 'Send again' }).count()).toBe(0);
    expect(await stack.shop.db.prisma.message.count({ where: { role: 'USER', text } })).toBe(1);
    await checkPage(page, 'storefront-widget-left-while-sending');
  });

  it('says a message serving was too busy to take in its own words, offers "Send again", with the same key', async () => {
    const shopper = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
    await shopper.clock.install();
    await shopper.goto(stack.origin);
    const w = shopper.locator('[data-acsa-widget]');
    await w.getByRole('button', { name: 'Chat with us' }).click();
    const limit = "this session's limit of 10 messages a minute is reached";
    const keys: string[] = [];
    let busy = true;
    await shopper.route('**/v1/chat', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      keys.push((await route.request().headerValue('idempotency-key')) ?? '');
      if (!busy) return route.continue();
      await route.fulfill({
        status: 429,
        headers: {
          'access-control-allow-origin': stack.origin,
          'access-control-expose-headers': 'retry-after',
          'retry-after': '1',
        },
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'RATE_LIMITED', message: limit, field: 'sessionId' } }),
      });
    });
    const statuses = new Set<string>();
    const status = async () => {
      const s = (await w.locator('.status').textContent()) ?? '';
      statuses.add(s);
      return s;
    };
    await w.getByLabel('Your message').fill('do you have gift cards?');
    await w.getByLabel('Your message').press('Enter');
    await expect.poll(status).toBe('Support is busy: your message is sent in a moment…');
    await expect
      .poll(
        async () => {
          // Steps shorter than the 5 s an attempt is given near the end of its budget: a longer jump would
          // end the attempt in flight, as "did not answer in time".
          await shopper.clock.runFor(2_000);
          await status();
          return w.locator('.msg.system').count();
        },
        { timeout: 30_000 },
      )
      .toBe(1);
    expect(await w.locator('.msg.system').textContent()).toBe(
      `Your message could not be sent: ${limit}. Please try again.`,
    );
    // Serving was there all along: never "reconnecting", nor "cannot be reached".
    expect([...statuses].filter((s) => /Reconnecting|cannot be reached/.test(s))).toEqual([]);
    expect(await status()).toBe('');
    await checkPage(shopper, 'storefront-widget-busy');
    busy = false;
    await w.getByRole('button', { name: 'Send again' }).click();
    await expect.poll(() => w.locator('.msg.agent').count(), { timeout: 20_000 }).toBe(1);
    expect(keys.length).toBeGreaterThan(2);
    expect(new Set(keys).size).toBe(1);
    expect(await w.locator('.msg.user').count()).toBe(1);
    await shopper.context().close();
  });

  it('offers a message it gave up on as "Send again", and serving answers it once', async () => {
    const shopper = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
    // The widget waits about 0.5, 1, 2, 4 then 8 s between its attempts, for a minute at most: the page's
    // clock runs them at once.
    await shopper.clock.install();
    await shopper.goto(stack.origin);
    const w = shopper.locator('[data-acsa-widget]');
    await w.getByRole('button', { name: 'Chat with us' }).click();
    const text = 'what is your refund policy, please?';
    // The first attempt reaches serving, which stores and answers it, but the answer is lost on the way;
    // every later attempt finds the network gone.
    let reached = false;
    let away = true;
    await shopper.route('**/v1/chat', async (route) => {
      if (route.request().method() !== 'POST' || !away) return route.continue();
      if (!reached) {
        reached = true;
        await route.fetch();
      }
      await route.abort('connectionreset');
    });
    const replayed: string[] = [];
    shopper.on('response', (r) => {
      if (r.url().endsWith('/v1/chat') && r.request().method() === 'POST')
        replayed.push(r.headers()['idempotent-replayed'] ?? 'no');
    });
    await w.getByLabel('Your message').fill(text);
    await w.getByLabel('Your message').press('Enter');
    await w.getByText('Reconnecting to support').waitFor();
    await expect
      .poll(
        async () => {
          // Steps shorter than the 5 s an attempt is given near the end of its budget: a longer jump would
          // end the attempt in flight, as "did not answer in time".
          await shopper.clock.runFor(2_000);
          return w.getByText('Support cannot be reached right now.').count();
        },
        { timeout: 30_000 },
      )
      .toBe(1);
    await w.getByText('Your message could not be sent: the support service cannot be reached.').waitFor();
    await checkPage(shopper, 'storefront-widget-offline');
    away = false;
    // From the message box, one Shift+Tab reaches "Send again"; Enter sends the same message.
    expect(
      await shopper.evaluate(
        () => document.querySelector('[data-acsa-widget]')?.shadowRoot?.activeElement?.id,
      ),
    ).toBe('acsa-input');
    await shopper.keyboard.press('Shift+Tab');
    await shopper.keyboard.press('Enter');
    await expect.poll(() => w.locator('.msg.agent').count(), { timeout: 20_000 }).toBe(1);
    expect(reached).toBe(true);
    // Serving had answered it: the answer comes back, not a second turn.
    expect(replayed).toEqual(['true']);
    expect(await w.locator('.msg.agent').textContent()).toMatch(/refund/i);
    expect(await w.locator('.msg.user').allTextContents()).toEqual([`You: ${text}`]);
    expect(await w.getByRole('button', { name: 'Send again' }).count()).toBe(0);
    await expect.poll(() => w.getByText('Support cannot be reached right now.').count()).toBe(0);
    expect(await stack.shop.db.prisma.message.count({ where: { role: 'USER', text } })).toBe(1);
    await shopper.context().close();
  });

  it('shows "reconnecting" while serving restarts, then delivers the message', async () => {
    await stack.stopServing();
    const before = await agentMessages().count();
    await say('what is your refund policy?');
    await widget().getByText('Reconnecting to support').waitFor();
    // Nobody is "typing" while serving is away: the status says what is happening.
    expect(await widget().locator('.typing').isVisible()).toBe(false);
    await checkPage(page, 'storefront-widget-reconnecting');
    await stack.restartServing();
    await expect.poll(() => agentMessages().count(), { timeout: 30_000 }).toBe(before + 1);
    expect(await agentMessages().last().textContent()).toMatch(/refund/i);
    await expect.poll(() => widget().getByText('Reconnecting to support').count()).toBe(0);
    // The reply links to the help article it draws on, on the shop's own help pages, under "Read more:".
    expect(await widget().locator('.msg.agent').last().textContent()).toContain('Read more:');
    const link = widget().locator('.msg.agent').last().getByRole('link').first();
    expect(await link.getAttribute('href')).toMatch(new RegExp(`^${stack.origin}/help/`));
  });
});

describe('a shop page that signs its shopper in after load', () => {
  let shopper: Page;
  const w = () => shopper.locator('[data-acsa-widget]');
  const url = () => stack.origin;

  beforeAll(async () => {
    const alex = await stack.shop.db.prisma.customer.findUniqueOrThrow({
      where: { email: 'alex.morgan@example.com' },
    });
    const token = mintCustomerToken(TOKEN_SECRET, alex.id);
    shopper = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
    // The demo shop's guest page, made a shop that names its shopper only once the widget is ready (as the
    // README shows), with a search box of its own. Served by the demo shop itself: a page a route fulfils
    // counts as public to Chromium, which then blocks its calls to serving on the loopback address.
    await shopper.addInitScript((t) => {
      const w = window as unknown as { AcsaWidget: { setCustomerToken(t: string): void } };
      addEventListener('acsa-widget-ready', () => w.AcsaWidget.setCustomerToken(t));
      document.addEventListener('DOMContentLoaded', () => {
        const label = document.createElement('label');
        label.append('Search the shop ', Object.assign(document.createElement('input'), { id: 'search' }));
        document.body.prepend(label);
      });
    }, token);
  });
  afterAll(async () => {
    await shopper?.context().close();
  });

  it("keeps the shopper's conversation across pages, and answers the message left on its way", async () => {
    await shopper.goto(url());
    await w().getByRole('button', { name: 'Chat with us' }).click();
    await w().getByLabel('Your message').fill('where is my order 10042?');
    await w().getByLabel('Your message').press('Enter');
    await w().locator('.msg.agent, .msg.system').first().waitFor();
    expect((await w().locator('.msg').allTextContents()).join('\n')).toContain(tracking);
    // The next message reaches serving, but the shopper follows a link before its answer comes.
    const text = 'and how do I return it if it is damaged?';
    let reached = false;
    await shopper.route('**/v1/chat', async (route) => {
      if (route.request().method() !== 'POST' || reached) return route.continue();
      await route.fetch();
      reached = true;
    });
    await w().getByLabel('Your message').fill(text);
    await w().getByLabel('Your message').press('Enter');
    await expect.poll(() => reached).toBe(true);
    await shopper.unroute('**/v1/chat');
    await shopper.goto(url());
    // The widget starts with no customer, then the page names Alex: the conversation is Alex's, not a new one.
    await w().locator('.msg.agent', { hasText: tracking }).waitFor();
    const user = w().locator('.msg.user', { hasText: text });
    await expect
      .poll(() => user.evaluate((li) => li.nextElementSibling?.className ?? null), { timeout: 20_000 })
      .toBe('msg agent');
    expect(await stack.shop.db.prisma.message.count({ where: { role: 'USER', text } })).toBe(1);

    // A second tab where nobody is signed in talks as a guest: this tab's conversation stays on screen.
    const guestTab = await shopper.context().newPage();
    await guestTab.goto(stack.origin);
    const guest = guestTab.locator('[data-acsa-widget]');
    if (await guest.getByRole('dialog').isHidden())
      await guest.getByRole('button', { name: 'Chat with us' }).click();
    await guest.getByLabel('Your message').fill('do you ship to Canada?');
    await guest.getByLabel('Your message').press('Enter');
    await guest.locator('.msg.agent').first().waitFor();
    await new Promise((r) => setTimeout(r, 300));
    expect(await w().locator('.msg.agent', { hasText: tracking }).count()).toBe(1);
    await guestTab.close();
  });

  it("leaves the focus in the shop's search box that the shopper went to while waiting for the answer", async () => {
    let held: Route | null = null;
    await shopper.route('**/v1/chat', async (route) => {
      if (route.request().method() === 'POST' && !held) held = route;
      else await route.continue();
    });
    const before = await w().locator('.msg.agent').count();
    await w().getByLabel('Your message').fill('what is your refund policy?');
    await w().getByLabel('Your message').press('Enter');
    await expect.poll(() => held !== null).toBe(true);
    await shopper.getByLabel('Search the shop').click();
    await shopper.keyboard.type('boo');
    await (held as Route | null)?.continue();
    await shopper.unroute('**/v1/chat');
    await expect.poll(() => w().locator('.msg.agent').count(), { timeout: 20_000 }).toBe(before + 1);
    await shopper.keyboard.type('ts');
    expect(await shopper.getByLabel('Search the shop').inputValue()).toBe('boots');
    expect(await w().getByLabel('Your message').inputValue()).toBe('');
  });

  it('drops a conversation idle past the session lifetime, and "End chat" clears it for the next person', async () => {
    const stored = () =>
      shopper.evaluate(
        () =>
          localStorage.getItem(Object.keys(localStorage).find((k) => k.startsWith('acsa-widget:'))!) ?? '',
      );
    // The last message was 31 minutes ago: the next person at this computer finds an empty chat.
    await shopper.evaluate(() => {
      const key = Object.keys(localStorage).find((k) => k.startsWith('acsa-widget:'))!;
      const saved = JSON.parse(localStorage.getItem(key)!);
      localStorage.setItem(key, JSON.stringify({ ...saved, lastActive: Date.now() - 31 * 60_000 }));
    });
    await shopper.goto(url());
    await w().getByText('Ask about an order (its number helps)').waitFor();
    expect(await w().locator('.msg').count()).toBe(0);
    expect(await stored()).not.toContain(tracking);
    expect(JSON.parse(await stored()).sessionToken).toBeUndefined();

    await w().getByLabel('Your message').fill('where is my order 10042?');
    await w().getByLabel('Your message').press('Enter');
    await w().locator('.msg.agent', { hasText: tracking }).waitFor();
    // A button of the panel, so reachable and pressed from the keyboard.
    const end = w().getByRole('button', { name: 'End chat' });
    await end.focus();
    await shopper.keyboard.press('Enter');
    await w().getByText('Ask about an order (its number helps)').waitFor();
    expect(await w().locator('.msg').count()).toBe(0);
    expect(await stored()).not.toContain(tracking);
    expect(JSON.parse(await stored()).sessionToken).toBeUndefined();
    await checkPage(shopper, 'storefront-widget-ended');
    await shopper.reload();
    await w().getByText('Ask about an order (its number helps)').waitFor();
    expect(await w().locator('.msg').count()).toBe(0);
  });

  it('says why a rating was not sent; asks again only where trying again can help', async () => {
    const rater = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
    await rater.clock.install();
    await rater.goto(stack.origin);
    const r = rater.locator('[data-acsa-widget]');
    await r.getByRole('button', { name: 'Chat with us' }).click();
    await r.getByLabel('Your message').fill('thank you!');
    await r.getByLabel('Your message').press('Enter');
    await r.getByRole('group', { name: 'Was this chat helpful?' }).waitFor();
    const refuse = (status: number, message: string) =>
      rater.route('**/v1/feedback', (route) =>
        route.request().method() !== 'POST'
          ? route.continue()
          : route.fulfill({
              status,
              headers: { 'access-control-allow-origin': stack.origin, 'retry-after': '1' },
              contentType: 'application/json',
              body: JSON.stringify({ error: { code: 'REFUSED', message } }),
            }),
      );
    const line = r.locator('.msg.system').last();
    // The shop database is away for every attempt: said, and the question asked again, focus on its buttons.
    await refuse(503, 'the shop database is unavailable; try again shortly');
    await r.getByRole('button', { name: 'No, it was not helpful' }).click();
    await expect
      .poll(
        async () => {
          // Steps shorter than an attempt's own 5 s floor: a jump past it would end the attempt in flight.
          await rater.clock.runFor(2_000);
          return r.locator('.msg.system').count();
        },
        { timeout: 30_000 },
      )
      .toBe(1);
    expect(await line.textContent()).toBe(
      'Your rating could not be sent: the support service cannot be reached. Please choose again.',
    );
    await expect.poll(() => focused(rater)).toBe('Yes, it was helpful');
    // A refusal no retry changes: said in serving's words, and not asked again.
    await rater.unroute('**/v1/feedback');
    await refuse(404, 'no conversation of this sessionId holds this sessionToken');
    await r.getByRole('button', { name: 'No, it was not helpful' }).click();
    await expect
      .poll(() => line.textContent())
      .toBe('Your rating could not be sent: no conversation of this sessionId holds this sessionToken.');
    expect(await r.getByRole('group', { name: 'Was this chat helpful?' }).isVisible()).toBe(false);
    expect(await r.getByRole('group', { name: /How satisfied are you/ }).isVisible()).toBe(false);
    await expect.poll(() => focused(rater)).toBe('acsa-input');
    await rater.context().close();
  });
});

describe('two tabs of one browser, one conversation kept', () => {
  let alexToken: string;
  beforeAll(async () => {
    const alex = await stack.shop.db.prisma.customer.findUniqueOrThrow({
      where: { email: 'alex.morgan@example.com' },
    });
    alexToken = mintCustomerToken(TOKEN_SECRET, alex.id);
  });
  const tabs = async () => browser.newContext({ viewport: { width: 1280, height: 860 } });
  const ui = (tab: Page) => tab.locator('[data-acsa-widget]');
  /** What a later page, or the next person at this computer, would find stored. */
  const stored = (tab: Page) =>
    tab.evaluate(
      () => localStorage.getItem(Object.keys(localStorage).find((k) => k.startsWith('acsa-widget:'))!) ?? '',
    );
  const signIn = (tab: Page, token: string | null) =>
    tab.evaluate((t) => {
      (
        window as unknown as { AcsaWidget: { setCustomerToken(t: string | null): void } }
      ).AcsaWidget.setCustomerToken(t);
    }, token);
  async function talk(tab: Page, text: string, answer: string | RegExp) {
    const w = ui(tab);
    if (await w.getByRole('dialog').isHidden()) await w.getByRole('button', { name: 'Chat with us' }).click();
    await w.getByLabel('Your message').fill(text);
    await w.getByLabel('Your message').press('Enter');
    await w.locator('.msg.agent', { hasText: answer }).last().waitFor();
  }
  /** Holds this tab's next message on its way to serving; call the result to let it go. */
  async function hold(tab: Page): Promise<() => Promise<void>> {
    let held: Route | null = null;
    await tab.route('**/v1/chat', async (route) => {
      if (route.request().method() === 'POST' && !held) held = route;
      else await route.continue();
    });
    return async () => {
      await expect.poll(() => held !== null).toBe(true);
      await (held as Route | null)?.continue();
      await tab.unroute('**/v1/chat');
    };
  }

  it("a tab opening or closing its panel leaves another customer's conversation, and its message on the way", async () => {
    const context = await tabs();
    const alexTab = await context.newPage();
    await alexTab.goto(stack.origin);
    await signIn(alexTab, alexToken);
    await talk(alexTab, 'where is my order 10042?', tracking);
    // Another tab where nobody is signed in: a guest's message is on its way when the tab is left.
    const guestTab = await context.newPage();
    await guestTab.goto(stack.origin);
    await hold(guestTab);
    const text = 'do you have gift cards?';
    const g = ui(guestTab);
    if (await g.getByRole('dialog').isHidden()) await g.getByRole('button', { name: 'Chat with us' }).click();
    await g.getByLabel('Your message').fill(text);
    await g.getByLabel('Your message').press('Enter');
    await expect.poll(() => stored(alexTab)).toContain(text);
    // Alex's tab closes and opens its panel: the guest's conversation stays stored.
    await ui(alexTab).getByRole('button', { name: 'Close chat' }).click();
    await ui(alexTab).getByRole('button', { name: 'Chat with us' }).click();
    expect(await stored(alexTab)).toContain(text);
    expect(await stored(alexTab)).not.toContain(tracking);
    await guestTab.close();
    // The guest's next page sends the message left on its way, and shows its answer.
    const next = await context.newPage();
    await next.goto(stack.origin);
    const user = ui(next).locator('.msg.user', { hasText: text });
    await user.waitFor();
    await expect
      .poll(() => user.evaluate((li) => li.nextElementSibling?.className ?? null), { timeout: 20_000 })
      .toBe('msg agent');
    await context.close();
  });

  it("signing out clears the customer's transcript and token for the next person", async () => {
    const context = await tabs();
    const tab = await context.newPage();
    await tab.goto(stack.origin);
    await signIn(tab, alexToken);
    await talk(tab, 'where is my order 10042?', tracking);
    expect(await stored(tab)).toContain(tracking);
    await signIn(tab, null);
    expect(await ui(tab).locator('.msg').count()).toBe(0);
    expect(await stored(tab)).not.toContain(tracking);
    expect(JSON.parse(await stored(tab))).toMatchObject({ customer: null, messages: [] });
    expect(JSON.parse(await stored(tab)).sessionToken).toBeUndefined();
    await tab.reload();
    await ui(tab).getByText('Ask about an order (its number helps)').waitFor();
    expect(await ui(tab).locator('.msg').count()).toBe(0);
    await context.close();
  });

  it('"End chat" stays ended when an answer arrives in another tab of the conversation', async () => {
    const context = await tabs();
    const first = await context.newPage();
    await first.goto(stack.origin);
    await talk(first, 'where is my order 10042?', /email/i);
    const second = await context.newPage();
    await second.goto(stack.origin);
    await ui(second).locator('.msg.agent', { hasText: /email/i }).waitFor();
    // The second tab's message is on its way when the first tab ends the chat.
    const release = await hold(second);
    await ui(second).getByLabel('Your message').fill('alex.morgan@example.com');
    await ui(second).getByLabel('Your message').press('Enter');
    await expect.poll(() => stored(first)).toContain('alex.morgan@example.com');
    await ui(first).getByRole('button', { name: 'End chat' }).click();
    await ui(first).getByText('Ask about an order (its number helps)').waitFor();
    await release();
    // Answered, the second tab shows the ended conversation: the answer (an order's tracking) is not read on.
    await expect
      .poll(
        async () => (await ui(second).locator('.typing').isHidden()) && ui(second).locator('.msg').count(),
        {
          timeout: 20_000,
        },
      )
      .toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(await stored(first)).not.toContain('10042');
    expect(JSON.parse(await stored(first)).sessionToken).toBeUndefined();
    expect(await ui(first).locator('.msg').count()).toBe(0);
    await first.reload();
    await ui(first).getByText('Ask about an order (its number helps)').waitFor();
    expect(await ui(first).locator('.msg').count()).toBe(0);
    await context.close();
  });
});

describe('a shop with a strict Content-Security-Policy', () => {
  it('shows the widget styled where the policy allows no inline styles', async () => {
    const shop = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
    const blocked: string[] = [];
    shop.on('console', (m) => /Content Security Policy/i.test(m.text()) && blocked.push(m.text()));
    await shop.route(`${stack.origin}/strict-csp`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        headers: {
          'content-security-policy': `default-src 'self'; script-src 'self'; style-src 'self'; connect-src ${stack.servingUrl}`,
        },
        body: `<!doctype html><html lang="en"><title>Shop</title><main><h1>Strict shop</h1></main><script src="/acsa-widget.js" data-key="${PUBLISHABLE_KEY}" data-api="${stack.servingUrl}"></script></html>`,
      }),
    );
    await shop.goto(`${stack.origin}/strict-csp`);
    const w = shop.locator('[data-acsa-widget]');
    const launcher = w.getByRole('button', { name: 'Chat with us' });
    await launcher.waitFor();
    expect(await launcher.evaluate((b) => getComputedStyle(b).backgroundColor)).toBe('rgb(29, 78, 216)');
    expect(await launcher.evaluate((b) => getComputedStyle(b).position)).toBe('fixed');
    await launcher.click();
    expect(await w.getByRole('dialog').evaluate((p) => getComputedStyle(p).borderRadius)).toBe('14px');
    // No axe here (checkPage injects it inline, which this policy blocks): the picture only.
    await shop.screenshot({ path: `${SCREENSHOTS}storefront-widget-strict-csp.png` });
    expect(blocked).toEqual([]);
    await shop.context().close();
  });
});

describe('keys in a browser', () => {
  it('tells a page of an origin the key does not allow why it is refused, instead of a network failure', async () => {
    // Another origin for the same server: localhost is not 127.0.0.1 to a browser.
    const elsewhere = stack.origin.replace('127.0.0.1', 'localhost');
    const other = await (await browser.newContext()).newPage();
    await other.goto(elsewhere);
    const result = await other.evaluate(
      async ({ api, key }) => {
        try {
          const r = await fetch(`${api}/v1/chat`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
            body: JSON.stringify({ sessionId: 'elsewhere', text: 'hello' }),
          });
          return `answered ${r.status}: ${((await r.json()) as { error: { message: string } }).error.message}`;
        } catch (e) {
          return `blocked: ${(e as Error).name}`;
        }
      },
      { api: stack.servingUrl, key: PUBLISHABLE_KEY },
    );
    expect(result).toContain(`answered 403: this publishable API key is not allowed from ${elsewhere}:`);
    expect(
      await stack.shop.db.prisma.message.count({ where: { conversation: { sessionId: 'elsewhere' } } }),
    ).toBe(0);
    await other.context().close();
  });

  it('a widget given a secret key does not start or send it, and says why in the console', async () => {
    const other = await (await browser.newContext()).newPage();
    const errors: string[] = [];
    other.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    const sentTo: string[] = [];
    other.on('request', (r) => r.url().startsWith(stack.servingUrl) && sentTo.push(r.url()));
    // The shop's own page, with a secret key the console made pasted into the script tag by mistake.
    const secret = `acsa_sk_${randomBytes(32).toString('base64url')}`;
    await other.route(`${stack.origin}/secret-key-mistake`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><html lang="en"><title>Shop</title><script src="/acsa-widget.js" data-key="${secret}" data-api="${stack.servingUrl}"></script></html>`,
      }),
    );
    await other.goto(`${stack.origin}/secret-key-mistake`);
    await expect.poll(() => errors.join('\n')).toMatch(/data-key holds a secret API key .* publishable key/);
    await new Promise((r) => setTimeout(r, 500));
    expect(await other.locator('[data-acsa-widget]').count()).toBe(0);
    expect(sentTo).toEqual([]);
    await other.context().close();
  });

  it('refuses a secret key used from a browser, with an error that says why', async () => {
    const error = await page.evaluate(
      async ({ api, key }) => {
        const r = await fetch(`${api}/v1/chat`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ sessionId: 'leaked-secret', text: 'hello' }),
        });
        return { status: r.status, body: (await r.json()) as { error: { message: string } } };
      },
      { api: stack.servingUrl, key: SECRET_KEY },
    );
    expect(error.status).toBe(403);
    expect(error.body.error.message).toMatch(/secret API key must not be used from a browser/);
  });
});
