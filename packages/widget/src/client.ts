/** The chat API as the widget uses it: JSON over fetch, retried with backoff while serving is away. */

import { randomHex } from './random.ts';

export type TQuickReply = { label: string; text: string };
export type TLink = { title: string; url: string };
export type TChatReply = {
  sessionToken: string;
  reply: string;
  intent: string | null;
  escalated: boolean;
  quickReplies?: TQuickReply[];
  links?: TLink[];
};

/** An answer no retry will change (a bad key, an origin the key does not allow): shown as it is. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The request's field the answer is about (serving's `error.field`), e.g. `customerToken`. */
    readonly field?: string,
  ) {
    super(message);
  }
}

/**
 * `busy`: serving is there but asked to wait (429); `offline`: every attempt of a message failed; it was not
 * sent, and serving is still away.
 */
export type TConnection = 'online' | 'busy' | 'reconnecting' | 'offline';

export type TClientOptions = {
  apiUrl: string;
  apiKey: string;
  onConnection(state: TConnection): void;
  /** Waits between attempts, doubled from `firstDelayMs` up to `maxDelayMs`, jittered. */
  firstDelayMs?: number;
  maxDelayMs?: number;
  maxAttempts?: number;
  /** How long one attempt may take, body included, before it is dropped and tried again. */
  attemptTimeoutMs?: number;
  /** How long one message may take, all its attempts and waits together, before it is given up. */
  budgetMs?: number;
  /** A number in [0, 1) for the jitter (Math.random; tests fix it). */
  random?: () => number;
};

/** A new random id per message (and per feedback), its Idempotency-Key: 128 bits. */
export const messageKey = () => randomHex(16);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** 409: another message of the session was still being answered; 429: wait as told; 5xx: serving away. */
const retryable = (status: number) => status === 409 || status === 429 || status >= 500;

/**
 * A turn takes well under a second and serving gives up on its own statements after 3 s: an attempt still
 * unanswered after 20 s is a stalled connection (a phone between cells), which the browser would otherwise
 * wait on for minutes with Send disabled. Shorter, and a slow but live answer would be dropped and asked
 * for again.
 */
const ATTEMPT_TIMEOUT_MS = 20_000;
/**
 * A message is given up after a minute, however its attempts went: about what 12 quick failures take with
 * the backoff (0.5, 1, 2, 4, then 8 s waits), so a shopper whose attempts all stall (20 s each) is offered
 * "Send again" as soon as one whose network is plainly down, instead of waiting 12 × 20 s with Send
 * disabled. Longer and the shopper gives up first; much shorter and a restart of serving is not waited out.
 */
const BUDGET_MS = 60_000;
/**
 * An attempt started within the budget is given at least this long, though it ends past the budget: a live
 * answer takes well under it (serving gives up on its statements after 3 s). Cut to the few milliseconds
 * left, a busy serving's 429 on its way would be reported as "did not answer in time".
 */
const LAST_ATTEMPT_MS = 5_000;
/** The longest Retry-After taken as it is: a longer one is waited in steps, each attempt asking again. */
const MAX_TOLD_MS = 30_000;

type TAnswer = {
  status: number;
  json: { error?: { message?: string; field?: string } } | null;
  retryAfter: string | null;
};

const parse = (text: string) => {
  try {
    return JSON.parse(text) as TAnswer['json'];
  } catch {
    return null;
  }
};

/**
 * A signal that gives up after `ms`, as AbortSignal.timeout does. Browsers before 2022 lack it: there a timer
 * aborts with the same TimeoutError, else a stalled attempt would wait as long as the browser does.
 */
function deadline(ms: number): { signal: AbortSignal; clear(): void } {
  if (typeof AbortSignal.timeout === 'function') return { signal: AbortSignal.timeout(ms), clear() {} };
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException('The operation timed out.', 'TimeoutError')),
    ms,
  );
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

export function createClient(o: TClientOptions) {
  const first = o.firstDelayMs ?? 500;
  const max = o.maxDelayMs ?? 8_000;
  const attempts = o.maxAttempts ?? 12;
  const timeoutMs = o.attemptTimeoutMs ?? ATTEMPT_TIMEOUT_MS;
  const budgetMs = o.budgetMs ?? BUDGET_MS;
  const random = o.random ?? Math.random;

  async function post<T>(path: string, body: unknown, headers: Record<string, string>): Promise<T | null> {
    let delay = first;
    const giveUpAt = Date.now() + budgetMs;
    for (let attempt = 1; ; attempt++) {
      let answer: TAnswer | null = null;
      let timedOut = false;
      // A stalled attempt ends with the message's budget, not 20 s after it (but see LAST_ATTEMPT_MS).
      const limit = deadline(Math.min(timeoutMs, Math.max(giveUpAt - Date.now(), LAST_ATTEMPT_MS)));
      try {
        const res = await fetch(`${o.apiUrl}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${o.apiKey}`, 'content-type': 'application/json', ...headers },
          body: JSON.stringify(body),
          signal: limit.signal,
        });
        // Read under the same deadline: an answer whose body stalls is as lost as one that never came.
        const text = await res.text();
        answer = { status: res.status, json: parse(text), retryAfter: res.headers.get('retry-after') };
      } catch (e) {
        // The network or the server is down, or the attempt ran out of time: retried below.
        timedOut = e instanceof DOMException && e.name === 'TimeoutError';
      } finally {
        limit.clear();
      }
      // A 2xx whose body did not arrive whole is retried: with the same key serving sends the answer again.
      const lost = answer !== null && answer.status < 300 && answer.status !== 204 && answer.json === null;
      if (answer && !lost && !retryable(answer.status)) {
        o.onConnection('online');
        if (answer.status === 204) return null;
        if (answer.status >= 300)
          throw new ApiError(
            answer.status,
            answer.json?.error?.message ?? `the server answered ${answer.status}`,
            answer.json?.error?.field,
          );
        return answer.json as T;
      }
      // Equal jitter: between half the backoff and all of it, so that the widgets a restart of serving cut off
      // together do not all come back together; never sooner than a Retry-After says.
      const told = Math.min(Number(answer?.retryAfter) * 1000 || 0, MAX_TOLD_MS);
      const wait = Math.max(told, delay / 2) + random() * (delay / 2);
      if (attempt >= attempts || Date.now() + wait >= giveUpAt) {
        // Serving is there and said why it did not answer (busy, or the message still being answered): that
        // is said, not that it cannot be reached; sent again later, with its key, it may go through.
        if (answer && (answer.status === 409 || answer.status === 429)) {
          o.onConnection('online');
          throw new ApiError(
            answer.status,
            answer.json?.error?.message ?? 'support is busy; try again in a moment',
            answer.json?.error?.field,
          );
        }
        o.onConnection('offline');
        throw new ApiError(
          answer?.status ?? 0,
          timedOut ? 'the support service did not answer in time' : 'the support service cannot be reached',
        );
      }
      if (answer?.status === 429) o.onConnection('busy');
      else if (answer?.status !== 409) o.onConnection('reconnecting');
      await sleep(wait);
      delay = Math.min(delay * 2, max);
    }
  }

  return {
    // Every attempt of a message carries the same key: serving answers it once, however many arrive.
    chat: (
      turn: { sessionId: string; sessionToken?: string; text: string; customerToken?: string },
      key = messageKey(),
    ) => post<TChatReply>('/v1/chat', turn, { 'idempotency-key': key }) as Promise<TChatReply>,
    // A rating whose answer was lost is sent again with its key: serving counts it once.
    feedback: (
      f: { sessionId: string; sessionToken: string; thumbs?: 'up' | 'down'; rating?: number },
      key = messageKey(),
    ) => post<null>('/v1/feedback', f, { 'idempotency-key': key }).then(() => undefined),
  };
}
export type TClient = ReturnType<typeof createClient>;
