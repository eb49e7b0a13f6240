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

/** `offline`: every attempt of a message failed; it was not sent, and serving is still away. */
export type TConnection = 'online' | 'reconnecting' | 'offline';

export type TClientOptions = {
  apiUrl: string;
  apiKey: string;
  onConnection(state: TConnection): void;
  /** Waits between attempts, doubled from `firstDelayMs` up to `maxDelayMs`. */
  firstDelayMs?: number;
  maxDelayMs?: number;
  maxAttempts?: number;
};

/** A new random id per message, its Idempotency-Key: 128 bits. */
export const messageKey = () => randomHex(16);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** 409: another message of the session was still being answered; 429: wait as told; 5xx: serving away. */
const retryable = (status: number) => status === 409 || status === 429 || status >= 500;

export function createClient(o: TClientOptions) {
  const first = o.firstDelayMs ?? 500;
  const max = o.maxDelayMs ?? 8_000;
  const attempts = o.maxAttempts ?? 12;

  async function post<T>(
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<T | null> {
    let delay = first;
    for (let attempt = 1; ; attempt++) {
      let res: Response | null = null;
      try {
        res = await fetch(`${o.apiUrl}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${o.apiKey}`, 'content-type': 'application/json', ...headers },
          body: JSON.stringify(body),
        });
      } catch {
        // The network or the server is down: retried below.
      }
      if (res && !retryable(res.status)) {
        o.onConnection('online');
        if (res.status === 204) return null;
        const json = (await res.json().catch(() => null)) as
          | (T & { error?: { message?: string; field?: string } })
          | null;
        if (!res.ok)
          throw new ApiError(
            res.status,
            json?.error?.message ?? `the server answered ${res.status}`,
            json?.error?.field,
          );
        return json;
      }
      if (attempt >= attempts) {
        o.onConnection('offline');
        throw new ApiError(res?.status ?? 0, 'the support service cannot be reached');
      }
      if (res?.status !== 409) o.onConnection('reconnecting');
      const told = Number(res?.headers.get('retry-after'));
      await sleep(told > 0 ? Math.min(told * 1000, 30_000) : delay);
      delay = Math.min(delay * 2, max);
    }
  }

  return {
    // Every attempt of a message carries the same key: serving answers it once, however many arrive.
    chat: (
      turn: { sessionId: string; sessionToken?: string; text: string; customerToken?: string },
      key = messageKey(),
    ) => post<TChatReply>('/v1/chat', turn, { 'idempotency-key': key }) as Promise<TChatReply>,
    feedback: (f: { sessionId: string; sessionToken: string; thumbs?: 'up' | 'down'; rating?: number }) =>
      post<null>('/v1/feedback', f).then(() => undefined),
  };
}
export type TClient = ReturnType<typeof createClient>;
