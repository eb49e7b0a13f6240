/**
 * Collects concurrent requests into one batch: flushed when `maxBatch` items wait or `maxWaitMs` after the
 * first arrived, whichever comes first. One model run for 32 texts costs little more than for one, so under
 * load this multiplies throughput; with `maxWaitMs` 0 a lone request waits only for the current tick.
 */
/** When one request waited and ran (performance.now() times), for tracing its share of a batch. */
export type TBatchTiming = { queuedAt: number; startedAt: number; endedAt: number; size: number };
type TItem<I, O> = {
  input: I;
  resolve: (o: O) => void;
  reject: (e: unknown) => void;
  queuedAt: number;
  observe: ((t: TBatchTiming) => void) | undefined;
};

export class MicroBatcher<I, O> {
  private queue: TItem<I, O>[] = [];
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private running = 0;

  constructor(
    private readonly run: (inputs: I[]) => Promise<O[]>,
    private readonly options: { maxBatch: number; maxWaitMs: number },
  ) {}

  /** `observe`: told when this input waited and ran (only then is the time read). */
  submit(input: I, observe?: (t: TBatchTiming) => void): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ input, resolve, reject, queuedAt: observe ? performance.now() : 0, observe });
      if (this.queue.length >= this.options.maxBatch) this.flush();
      else this.schedule(this.options.maxWaitMs);
    });
  }

  get inFlight(): number {
    return this.running;
  }

  // A wait of 0 flushes after the current I/O callbacks (setImmediate): what arrived together goes together,
  // and the event loop need not sleep and wake for a timer (setTimeout(0) is a 1 ms timer).
  private schedule(ms: number): void {
    if (this.timer || this.immediate) return;
    if (ms > 0) this.timer = setTimeout(() => this.flush(), ms);
    else this.immediate = setImmediate(() => this.flush());
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
    const batch = this.queue.splice(0, this.options.maxBatch);
    if (this.queue.length) this.schedule(0);
    if (!batch.length) return;
    this.running++;
    const startedAt = batch.some((b) => b.observe) ? performance.now() : 0;
    const observe = () => {
      if (!startedAt) return;
      const t = { startedAt, endedAt: performance.now(), size: batch.length };
      for (const b of batch) b.observe?.({ ...t, queuedAt: b.queuedAt });
    };
    this.run(batch.map((b) => b.input)).then(
      (outputs) => {
        this.running--;
        observe();
        for (const [i, b] of batch.entries()) b.resolve(outputs[i] as O);
      },
      (err) => {
        this.running--;
        observe();
        for (const b of batch) b.reject(err);
      },
    );
  }
}
