import type { TMessage } from './store.ts';
import { STYLES } from './styles.ts';

const PANEL = `
<button class="launcher" type="button" aria-expanded="false" aria-controls="acsa-panel">
  <svg aria-hidden="true" width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor"
   stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z"/></svg>
  <span>Chat with us</span></button>
<section class="panel" id="acsa-panel" role="dialog" aria-labelledby="acsa-title" hidden>
  <header><h2 id="acsa-title"></h2><button class="end" type="button">End chat</button>
  <button class="close" type="button" aria-label="Close chat">×</button></header>
  <p class="status" role="status"></p>
  <div class="log" role="log" aria-live="polite" aria-label="Conversation" tabindex="0">
    <p class="empty">Ask about an order (its number helps), a delivery, a return or refund, or a product.</p><ol></ol></div>
  <div class="typing" hidden>The assistant is typing…</div>
  <p class="note" role="note" hidden>A person from our team will follow up: they have our whole conversation.</p>
  <div class="quick" role="group" aria-label="Suggested answers"></div>
  <div class="rate" role="group" aria-labelledby="acsa-rate" hidden><span id="acsa-rate">Was this chat helpful?</span>
    <button type="button" data-thumbs="up" aria-label="Yes, it was helpful">Yes</button>
    <button type="button" data-thumbs="down" aria-label="No, it was not helpful">No</button></div>
  <div class="rate csat" role="group" aria-labelledby="acsa-csat" hidden><span id="acsa-csat">How satisfied are you, from 1 (not at all) to 5 (very)?</span>
    ${[1, 2, 3, 4, 5].map((n) => `<button type="button" data-rating="${n}" aria-label="${n} of 5">${n}</button>`).join('')}
    <button type="button" class="skip" data-rating="" aria-label="Skip the rating">Skip</button></div>
  <form class="compose"><label class="sr" for="acsa-input">Your message</label>
    <input id="acsa-input" autocomplete="off" maxlength="2000" placeholder="Type your message…">
    <button type="submit">Send</button></form>
</section>`;

/**
 * The styles as a constructed sheet where the browser has them (2023 on): a shop whose Content-Security-Policy
 * has no `style-src 'unsafe-inline'` blocks a `<style>` element, and the widget came up unstyled there. Older
 * browsers get the element, which such a policy still blocks (the README says so).
 */
function adoptStyles(root: ShadowRoot): boolean {
  if (!('adoptedStyleSheets' in root) || typeof CSSStyleSheet.prototype.replaceSync !== 'function')
    return false;
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLES);
    root.adoptedStyleSheets = [sheet];
    return true;
  } catch {
    // Sheets not constructible here (Safari before 16.4 has the property but not the constructor).
    return false;
  }
}

/** The widget's DOM in a shadow root of its own; `q` finds one of its parts. */
export function mountView(host: HTMLElement, title: string) {
  const root = host.attachShadow({ mode: 'open' });
  root.innerHTML = adoptStyles(root) ? PANEL : `<style>${STYLES}</style>${PANEL}`;
  const q = <T extends HTMLElement>(sel: string) => root.querySelector(sel) as T;
  q('#acsa-title').textContent = title;
  return {
    launcher: q<HTMLButtonElement>('.launcher'),
    panel: q<HTMLElement>('.panel'),
    close: q<HTMLButtonElement>('.close'),
    /** Clears the transcript and its token here: the next person at a shared computer starts afresh. */
    end: q<HTMLButtonElement>('.end'),
    status: q<HTMLElement>('.status'),
    log: q<HTMLElement>('.log'),
    messages: q<HTMLOListElement>('.log ol'),
    empty: q<HTMLElement>('.log .empty'),
    typing: q<HTMLElement>('.typing'),
    note: q<HTMLElement>('.note'),
    quick: q<HTMLElement>('.quick'),
    rate: q<HTMLElement>('.rate'),
    csat: q<HTMLElement>('.csat'),
    form: q<HTMLFormElement>('form'),
    input: q<HTMLInputElement>('input'),
    send: q<HTMLButtonElement>('form button'),
  };
}
export type TView = ReturnType<typeof mountView>;

/** One message as a list item; text is set as text (never HTML), links only as http(s). */
export function messageItem(m: TMessage): HTMLLIElement {
  const li = document.createElement('li');
  li.className = `msg ${m.from}`;
  const who = document.createElement('span');
  who.className = 'sr';
  who.textContent = m.from === 'user' ? 'You: ' : m.from === 'agent' ? 'Assistant: ' : '';
  li.append(who, m.text);
  const links = (m.links ?? []).filter((l) => /^https?:\/\//.test(l.url));
  if (links.length > 0) {
    const label = document.createElement('span');
    label.className = 'more';
    label.textContent = 'Read more:';
    li.append(label);
    const ul = document.createElement('ul');
    ul.className = 'links';
    for (const l of links) {
      const a = document.createElement('a');
      a.href = l.url;
      a.target = '_blank';
      a.rel = 'noopener';
      a.textContent = l.title;
      const item = document.createElement('li');
      item.append(a);
      ul.append(item);
    }
    li.append(ul);
  }
  return li;
}
