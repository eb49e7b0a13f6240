import { ApiError, createClient, messageKey, type TChatReply } from './client.ts';
import { createStore, customerOf, freshConversation, parseSaved, type TSaved } from './store.ts';
import { messageItem, mountView } from './view.ts';

export type TWidgetOptions = {
  apiUrl: string;
  /** A publishable key bound to this page's origin (never a secret key). */
  apiKey: string;
  title?: string;
  customerToken?: string | null;
  /** Serving's retry backoff, shortened by tests. */
  retry?: { firstDelayMs: number; maxDelayMs: number; maxAttempts: number };
};

/**
 * Fired on `window` when serving refused the shopper's customer token (expired: shops mint them for an
 * hour): the page may mint a new one and call `AcsaWidget.setCustomerToken`.
 */
export const TOKEN_EXPIRED_EVENT = 'acsa-customer-token-expired';

/** A sign-in the shop gave that serving no longer takes (expired): another token from the page fixes it. */
const signInExpired = (e: unknown) =>
  e instanceof ApiError && e.status === 401 && e.field === 'customerToken';

/**
 * The same message may go through later: serving away or failing, busy (429) or still answering another
 * message (409), or the shopper's sign-in expired (the page gives a fresh token, `setCustomerToken`). Never
 * for an answer no retry changes.
 */
const mayRetry = (e: unknown) =>
  e instanceof ApiError &&
  (e.status === 0 || e.status === 409 || e.status === 429 || e.status >= 500 || signInExpired(e));

/**
 * Why a message was not sent, for the shopper: "try again" only where trying again can help. An expired
 * sign-in is said in words, not as serving's "invalid customerToken: expired", and the page is told.
 */
function notSent(e: unknown): string {
  if (signInExpired(e)) {
    window.dispatchEvent(new CustomEvent(TOKEN_EXPIRED_EVENT));
    return 'Your message could not be sent: your sign-in with the shop has expired. Once you are signed in again, choose "Send again".';
  }
  if (!(e instanceof ApiError))
    return 'Your message could not be sent: something went wrong. Please try again.';
  return `Your message could not be sent: ${e.message}.${mayRetry(e) ? ' Please try again.' : ''}`;
}

/** Why a rating was not sent: asked again only where sending it again can help. */
const notRated = (e: unknown) =>
  e instanceof ApiError
    ? `Your rating could not be sent: ${e.message}.${mayRetry(e) ? ' Please choose again.' : ''}`
    : 'Your rating could not be sent: something went wrong.';

/** After this long without an answer, the shopper is told it is slow (not left with "typing…" for ever). */
export const SLOW_MS = 10_000;
const TYPING = 'The assistant is typing…';

/** The end of a conversation, when asking for a rating makes sense. */
const CLOSING_INTENTS = new Set(['goodbye', 'thanks']);

/** The chat widget: a launcher, a panel, and a conversation kept across page loads. */
export function createWidget(o: TWidgetOptions) {
  const host = document.createElement('div');
  host.setAttribute('data-acsa-widget', '');
  document.body.append(host);
  const v = mountView(host, o.title ?? 'Support');
  const storageKey = `acsa-widget:${o.apiKey.slice(0, 16)}`;
  const store = createStore(storageKey);
  let customerToken = o.customerToken ?? null;
  /**
   * Whether `state` is the stored conversation (or nothing was stored), so that saving it loses nothing. Not
   * while the stored one is another customer's: a page that names its shopper only after load
   * (`setCustomerToken` on `acsa-widget-ready`, as the README says) first starts the widget with no customer,
   * and saving the empty guest conversation then wiped the shopper's, and the message still on its way.
   */
  let owned = false;
  let state: TSaved = adopt(customerOf(customerToken), false);
  let busy = false;
  /** Another tab wrote the conversation while a message was on its way here: read again once it is answered. */
  let missed = false;

  /** The stored conversation when it is this customer's, else a new one, kept in memory until it changes. */
  function adopt(customer: string | null, open: boolean): TSaved {
    const saved = store.read();
    owned = saved === null || saved.customer === customer;
    return saved?.customer === customer ? saved : freshConversation(customer, saved?.open ?? open);
  }

  const client = createClient({
    apiUrl: o.apiUrl.replace(/\/$/, ''),
    apiKey: o.apiKey,
    ...o.retry,
    onConnection: (c) => {
      // Nobody is typing while serving is away: the status says what is happening instead.
      v.typing.hidden = !busy || c !== 'online';
      // "Reconnecting" while it tries; once it gave up, not a promise it no longer keeps.
      v.status.textContent =
        c === 'reconnecting'
          ? 'Reconnecting to support…'
          : c === 'busy'
            ? 'Support is busy: your message is sent in a moment…'
            : c === 'offline'
              ? 'Support cannot be reached right now.'
              : '';
      v.log.scrollTop = v.log.scrollHeight;
    },
  });

  /** Draws the state; `save` only after a change the shopper made or was answered (never a mere load). */
  function render(save = false) {
    v.note.hidden = !state.escalated;
    const unsent = state.unsent;
    v.quick.replaceChildren(
      ...(unsent
        ? [button('Send again', () => void send(unsent.text, unsent.shown, unsent.key))]
        : state.quickReplies.map((q) => button(q.label, () => void send(q.text, q.label)))),
    );
    v.rate.hidden = state.rating !== 'asked';
    v.csat.hidden = state.rating !== 'csat';
    v.typing.hidden = !busy;
    v.empty.hidden = state.messages.length > 0;
    v.send.disabled = busy;
    // Last, once the notes and buttons below it have taken their room: the newest message in view.
    renderMessages();
    v.log.scrollTop = v.log.scrollHeight;
    if (save) {
      owned = true;
      store.save(state);
    }
  }

  // The same conversation in another tab of the shop: what it said is taken here as it happens. Before, this
  // tab's next render (opening the panel) wrote its older transcript over the other's, and a reload lost the
  // other tab's answers. Whether the panel is open stays this tab's own.
  // The value written is compared as it is: another customer's conversation (a second tab signed in as
  // someone else) is not this tab's, and must not blank it; nor may this tab write over it afterwards (opening
  // its panel did, with the other's message still on its way lost for good), so it is not owned any more.
  window.addEventListener('storage', (e) => {
    if (e.key !== storageKey) return;
    const other = parseSaved(e.newValue);
    if (!other) return;
    if (other.customer !== state.customer) {
      owned = false;
      return;
    }
    if (busy) {
      missed = true;
      return;
    }
    state = { ...other, open: state.open };
    owned = true;
    render();
  });

  /**
   * After a message answered here, whether another tab ended this conversation meanwhile ("End chat", or a
   * new one started there): then the stored one is taken up instead of written over with the old transcript
   * and token. The answer is not shown: whoever ended the conversation did so that nobody at this computer
   * reads it on, and the next message here would store it again. The same conversation, written
   * there meanwhile, is still written over with this tab's (as before).
   */
  function endedElsewhere(conversation: TSaved): boolean {
    if (!missed) return false;
    missed = false;
    if (state !== conversation) return false;
    const stored = store.read();
    if (!stored || stored.customer !== state.customer || stored.sessionId === state.sessionId) return false;
    state = { ...stored, open: state.open };
    owned = true;
    return true;
  }

  /**
   * The new messages only, appended: the list is a live region, and replacing every item on each render had
   * screen readers read the whole conversation again at every message, open and rating. Rebuilt only for
   * another conversation.
   */
  let shownOf: TSaved['messages'] | null = null;
  let shown = 0;
  function renderMessages() {
    if (shownOf !== state.messages || shown > state.messages.length) {
      v.messages.replaceChildren();
      shownOf = state.messages;
      shown = 0;
    }
    v.messages.append(...state.messages.slice(shown).map(messageItem));
    shown = state.messages.length;
  }

  function setOpen(open: boolean) {
    state.open = open;
    v.panel.hidden = !open;
    v.launcher.setAttribute('aria-expanded', String(open));
    // Where the panel was left is worth keeping, but not by writing a conversation that is not this one's.
    render(owned);
    if (open) v.input.focus();
    else v.launcher.focus();
  }

  function received(r: TChatReply) {
    // Serving starts a new conversation when the old one expired (30 min without a message) or its token
    // was refused: said here, and what belonged to the old one (a hand-over, a rating given) goes with it.
    if (state.sessionToken && r.sessionToken !== state.sessionToken) {
      state.messages.push({
        from: 'system',
        text: 'Your earlier conversation had ended, so this message started a new one.',
      });
      state.escalated = false;
      state.rating = null;
    }
    state.sessionToken = r.sessionToken;
    state.messages.push({ from: 'agent', text: r.reply, ...(r.links ? { links: r.links } : {}) });
    state.quickReplies = r.quickReplies ?? [];
    state.escalated ||= r.escalated;
    if (state.rating === null && (r.escalated || CLOSING_INTENTS.has(r.intent ?? ''))) state.rating = 'asked';
  }

  /**
   * `shown`: what the transcript says the shopper sent (a quick reply's label), when not `text` itself.
   * `again`: the key of the unsent message sent again; it is in the transcript already, and serving answers
   * it once even if an earlier attempt did reach it.
   */
  async function send(text: string, shown = text, again?: string, resumed = false) {
    if (busy || !text.trim()) return;
    busy = true;
    const key = again ?? messageKey();
    // The conversation this message belongs to: one ended meanwhile ("End chat", another customer) does not
    // receive its answer.
    const conversation = state;
    state.quickReplies = [];
    state.unsent = null;
    if (!again) state.messages.push({ from: 'user', text: shown });
    // Saved with the message, before it is sent: a page left while it was on its way (a link followed) sends
    // it again on the next one, with its key, instead of showing it there with no answer and no way to send it.
    state.pending = { text, shown, key };
    state.lastActive = Date.now();
    render(true);
    const slow = setTimeout(() => {
      v.typing.textContent = 'This is taking longer than usual…';
    }, SLOW_MS);
    try {
      const reply = await client.chat(
        {
          sessionId: state.sessionId,
          ...(state.sessionToken ? { sessionToken: state.sessionToken } : {}),
          text,
          ...(customerToken ? { customerToken } : {}),
        },
        key,
      );
      if (state === conversation) received(reply);
    } catch (e) {
      if (state === conversation) {
        state.messages.push({ from: 'system', text: notSent(e) });
        if (mayRetry(e)) state.unsent = { text, shown, key };
      }
    } finally {
      conversation.pending = null;
      conversation.lastActive = Date.now();
      clearTimeout(slow);
      v.typing.textContent = TYPING;
      busy = false;
      const ended = endedElsewhere(conversation);
      render(!ended && owned && state === conversation);
      // Back to the message box only from the widget itself, or from a button the answer removed: a shopper
      // who went on to the shop's own search box meanwhile keeps typing there. A message sent again on load
      // never takes the focus from the page.
      if (document.activeElement === host || (!resumed && focusLost())) v.input.focus();
    }
  }

  /**
   * Thumbs first, then an optional 1–5 satisfaction score (CSAT); each is sent as it is given. The thanks come
   * once the customer is done (scored or skipped), not between the two questions.
   */
  async function rate(f: { thumbs: 'up' | 'down' } | { rating: number } | null) {
    if (!state.sessionToken) return;
    const step = state.rating;
    const thank = () => state.messages.push({ from: 'system', text: 'Thank you for your feedback.' });
    state.rating = step === 'asked' ? 'csat' : 'given';
    if (f === null && step === 'csat') thank();
    render(true);
    // The button pressed is hidden now: the focus goes on to what comes next, not to the page's body.
    focusRating();
    if (f === null) return;
    try {
      await client.feedback({ sessionId: state.sessionId, sessionToken: state.sessionToken, ...f });
      if (step === 'csat') thank();
      render(owned);
      // Only where it was lost meanwhile: a shopper already typing or on the next score keeps their place.
      if (focusLost()) focusRating();
    } catch (e) {
      // Said, as for a message; asked again only where sending it again can help (serving away or busy), not
      // after a refusal no retry changes (a conversation serving no longer knows), which would ask for ever.
      state.messages.push({ from: 'system', text: notRated(e) });
      state.rating = mayRetry(e) ? step : 'given';
      render(owned);
      focusRating();
    }
  }

  /** Nothing has the focus, or a part of the widget now hidden has it (the button that was pressed). */
  function focusLost() {
    const at = document.activeElement;
    if (!at || at === document.body) return true;
    return at === host && host.shadowRoot?.activeElement?.closest('[hidden]') != null;
  }

  /** The first button of the question now asked, or the message box once none is. */
  function focusRating() {
    const group = state.rating === 'asked' ? v.rate : state.rating === 'csat' ? v.csat : null;
    (group?.querySelector('button') ?? v.input).focus();
  }

  function button(label: string, onClick: () => void) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.addEventListener('click', onClick);
    return b;
  }

  v.launcher.addEventListener('click', () => setOpen(v.panel.hidden));
  v.close.addEventListener('click', () => setOpen(false));
  // On a shared computer the next person opening the chat would read, and could continue, this one. Stored
  // only where this one was: another customer's, stored by another tab, is not this tab's to end.
  v.end.addEventListener('click', () => {
    state = freshConversation(state.customer, true);
    render(owned);
    v.status.textContent = '';
    v.input.focus();
  });
  v.panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') setOpen(false);
  });
  v.form.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = v.input.value;
    v.input.value = '';
    void send(text);
  });
  for (const b of v.rate.querySelectorAll('button'))
    b.addEventListener('click', () => void rate({ thumbs: b.dataset.thumbs === 'up' ? 'up' : 'down' }));
  for (const b of v.csat.querySelectorAll<HTMLButtonElement>('button'))
    b.addEventListener(
      'click',
      () => void rate(b.dataset.rating ? { rating: Number(b.dataset.rating) } : null),
    );

  /**
   * The last page was left while a message was on its way: sent again with its key, serving replays the
   * answer it gave (or answers it now if it never got there). Only once the conversation is this shopper's.
   */
  function resume() {
    const pending = state.pending;
    if (pending && owned) void send(pending.text, pending.shown, pending.key, true);
  }

  v.panel.hidden = !state.open;
  v.launcher.setAttribute('aria-expanded', String(state.open));
  render();
  resume();

  return {
    open: () => setOpen(true),
    close: () => setOpen(false),
    /**
     * The page names its shopper (after load, or on sign-in or out): a conversation belongs to one customer,
     * so this one's stored conversation is taken up, or a new one starts (stored once it has a message).
     */
    setCustomerToken(token: string | null) {
      customerToken = token;
      const customer = customerOf(token);
      if (customer === state.customer) return;
      // A known customer whose conversation this tab holds signs out (or another signs in): theirs, order
      // details and token, is not left for the next person. Unlike the first naming after load (no customer
      // yet, then the shopper), this is unambiguous, so the new conversation is written over it at once.
      const leaving = state.customer !== null && owned;
      // The panel stays as the shopper has it on this page.
      state = { ...adopt(customer, state.open), open: state.open };
      render(leaving);
      resume();
    },
  };
}
export type TWidget = ReturnType<typeof createWidget>;
