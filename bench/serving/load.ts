import type { ChatClient } from './chat-client.ts';
import { type TConversation, type TScriptTurn, turnOf } from './conversations.ts';
import type { Recorder } from './recorder.ts';

/**
 * The conversations in progress. A conversation is in exactly one place: waiting here for its next turn,
 * or in flight; so its turns are sequential (the server answers 409 to two concurrent turns of one
 * session) while many sessions run in parallel. A finished or failed conversation is replaced by a new one.
 */
export class ConversationPool {
  private queue: TConversation[] = [];
  private head = 0;
  /** Conversations started because every pooled one was still waiting for an answer. */
  overflow = 0;

  constructor(
    private readonly source: () => TConversation,
    size: number,
  ) {
    for (let i = 0; i < size; i++) this.queue.push(source());
  }

  take(): TConversation {
    if (this.head < this.queue.length) {
      const c = this.queue[this.head++] as TConversation;
      if (this.head > 4_096) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      return c;
    }
    this.overflow++;
    return this.source();
  }

  give(c: TConversation, ok: boolean): void {
    c.next++;
    this.queue.push(ok && c.next < c.turns.length ? c : this.source());
  }
}

function sendTurn(client: ChatClient, pool: ConversationPool, recorder: Recorder, scheduled: number) {
  const c = pool.take();
  const turn = c.turns[c.next] as TScriptTurn;
  const sent = performance.now();
  return client.send(turnOf(c)).then((reply) => {
    if (reply.sessionToken) c.sessionToken = reply.sessionToken;
    recorder.add({ scheduled, sent, done: performance.now(), reply }, turn, c);
    pool.give(c, reply.status === 200 && !reply.error);
  });
}

/**
 * Open loop: turn i is due at start + i / rate, whatever happened to the turns before it, and its latency
 * is counted from that due time, so a stall in the server (or in this generator) shows in the figures
 * instead of silently lowering the offered rate. Timers fire at most every millisecond; due turns are
 * sent in a burst then.
 */
export async function openLoop(o: {
  client: ChatClient;
  pool: ConversationPool;
  recorder: Recorder;
  rate: number;
  durationS: number;
}): Promise<void> {
  const interval = 1000 / o.rate;
  const total = Math.round(o.rate * o.durationS);
  const start = performance.now() + 5;
  const inFlight = new Set<Promise<void>>();
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      for (; next < total && start + next * interval <= now; next++) {
        const p = sendTurn(o.client, o.pool, o.recorder, start + next * interval);
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      }
      if (next < total) setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
      else resolve();
    };
    tick();
  });
  await Promise.all(inFlight);
}

/** Closed loop: `concurrency` clients, each sending its next turn as soon as the last one is answered. */
export async function closedLoop(o: {
  client: ChatClient;
  pool: ConversationPool;
  recorder: Recorder;
  concurrency: number;
  durationS: number;
}): Promise<void> {
  const end = performance.now() + o.durationS * 1000;
  const user = async () => {
    while (performance.now() < end) await sendTurn(o.client, o.pool, o.recorder, performance.now());
  };
  await Promise.all(Array.from({ length: o.concurrency }, user));
}
