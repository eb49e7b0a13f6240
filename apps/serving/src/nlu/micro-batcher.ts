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
      else this.timer ??= setTimeout(() => this.flush(), this.options.maxWaitMs);
    });
  }

  get inFlight(): number {
    return this.running;
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.queue.splice(0, this.options.maxBatch);
    if (this.queue.length) this.timer = setTimeout(() => this.flush(), 0);
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
