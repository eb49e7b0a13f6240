import type { TChatReply } from './chat-client.ts';
import type { TConversation, TScriptTurn } from './conversations.ts';

export type TSample = {
  /** When the turn should have been sent (open loop) or was sent (closed loop), performance.now() ms. */
  scheduled: number;
  sent: number;
  done: number;
  reply: TChatReply;
};

export type TLatency = { p50: number; p95: number; p99: number; max: number };
export type TSummary = {
  turns: number;
  ok: number;
  elapsedS: number;
  turnsPerS: number;
  latency: TLatency;
  /** How late the generator sent turns against their schedule (its own event-loop delay). */
  sendLag: TLatency;
  errors: Record<string, number>;
  unexpected: number;
  unexpectedExamples: string[];
};

export function percentiles(values: Float64Array): TLatency {
  if (!values.length) return { p50: 0, p95: 0, p99: 0, max: 0 };
  const sorted = values.slice().sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[sorted.length - 1] ?? 0 };
}

/** Collects every turn's timings and outcome; a listener sees each sample as it lands (swap watching). */
export class Recorder {
  private latencies: number[] = [];
  private lags: number[] = [];
  private readonly errors = new Map<string, number>();
  private ok = 0;
  private unexpected = 0;
  private readonly examples: string[] = [];
  private first = Number.POSITIVE_INFINITY;
  private last = 0;
  listener?: (s: TSample) => void;

  add(s: TSample, turn: TScriptTurn, conversation: TConversation): void {
    this.first = Math.min(this.first, s.scheduled);
    this.last = Math.max(this.last, s.done);
    this.lags.push(s.sent - s.scheduled);
    const { reply } = s;
    if (reply.status > 0) this.latencies.push(s.done - s.scheduled);
    if (reply.status === 200 && !reply.error) {
      this.ok++;
      if (turn.expect && !turn.expect.test(reply.reply ?? '')) {
        this.unexpected++;
        if (this.examples.length < 5)
          this.examples.push(
            `${conversation.kind} turn ${conversation.next + 1} "${turn.text}" → "${reply.reply}"`,
          );
      }
    } else {
      const key = reply.error ? `network ${reply.error}` : `HTTP ${reply.status}`;
      this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
    }
    this.listener?.(s);
  }

  summary(): TSummary {
    const turns = this.lags.length;
    const elapsedS = turns ? (this.last - this.first) / 1000 : 0;
    return {
      turns,
      ok: this.ok,
      elapsedS,
      turnsPerS: elapsedS > 0 ? this.ok / elapsedS : 0,
      latency: percentiles(Float64Array.from(this.latencies)),
      sendLag: percentiles(Float64Array.from(this.lags)),
      errors: Object.fromEntries(this.errors),
      unexpected: this.unexpected,
      unexpectedExamples: [...this.examples],
    };
  }
}

/** Per 250 ms of the run (by when each turn was due): turns, p99 and max latency, and the wall clock. */
export function latencyTimeline(rec: Recorder): () => string {
  const buckets = new Map<number, number[]>();
  const t0 = performance.now();
  const wall0 = Date.now();
  rec.listener = (s) => {
    const b = Math.floor((s.scheduled - t0) / 250);
    const list = buckets.get(b) ?? [];
    list.push(s.done - s.scheduled);
    buckets.set(b, list);
  };
  return () => {
    const lines = ['t_ms\twall\tturns\tp99_ms\tmax_ms'];
    for (const [b, list] of [...buckets].sort((x, y) => x[0] - y[0])) {
      const sorted = list.sort((x, y) => x - y);
      const p99 = sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)] ?? 0;
      const wall = new Date(wall0 + b * 250).toISOString().slice(11, 23);
      lines.push(
        `${b * 250}\t${wall}\t${list.length}\t${p99.toFixed(1)}\t${(sorted.at(-1) ?? 0).toFixed(1)}`,
      );
    }
    return `${lines.join('\n')}\n`;
  };
}

/** Two tab-separated tables side by side, row by row (the shorter padded with blanks). */
export function joinColumns(left: string, right: string): string {
  const l = left.trimEnd().split('\n');
  const r = right.trimEnd().split('\n');
  return `${Array.from({ length: Math.max(l.length, r.length) }, (_, i) => `${l[i] ?? ''}\t${r[i] ?? ''}`).join('\n')}\n`;
}
