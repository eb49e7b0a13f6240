import { activeContext, recordSpan, tracingEnabled, withSpan } from '@acsa/core/tracing';
import type { IntentClassifier, TPrediction } from '@acsa/ml/onnx';
import { MicroBatcher } from '../nlu/micro-batcher.ts';

export type TModelState = 'READY' | 'UNLOADING';
export type TBatching = { enabled: boolean; maxBatch: number; maxWaitMs: number };

/**
 * The intents kept with each prediction, best first: stored with the turn, they are the suggestions a reviewer
 * picks from with the keys 1–5 on the labeling page, and the escalation context lists them.
 */
const SUGGESTIONS = 5;

/**
 * One served version: its classifier, its micro-batcher and a count of requests using it. Retired when an
 * alias moves away; released only once the last request that acquired it has finished.
 */
export class LoadedModel {
  state: TModelState = 'READY';
  private inFlight = 0;
  private readonly batcher: MicroBatcher<string, TPrediction> | null;
  private released: Promise<void> | null = null;

  constructor(
    readonly versionId: string,
    readonly version: string,
    readonly classifier: IntentClassifier,
    batching: TBatching,
  ) {
    this.batcher = batching.enabled
      ? new MicroBatcher((texts) => classifier.predict(texts, { topK: SUGGESTIONS }), batching)
      : null;
  }

  acquire(): this {
    this.inFlight++;
    return this;
  }

  release(): void {
    this.inFlight--;
    if (this.state === 'UNLOADING' && this.inFlight === 0) void this.free();
  }

  async predict(text: string): Promise<TPrediction> {
    if (this.batcher) {
      if (!tracingEnabled()) return this.batcher.submit(text);
      // The batch runs in another callback, for many turns at once: each turn gets its own two spans.
      const parent = activeContext();
      return this.batcher.submit(text, (t) => {
        recordSpan('nlu.batch-wait', t.queuedAt, t.startedAt, { parent });
        recordSpan('nlu.inference', t.startedAt, t.endedAt, {
          parent,
          attributes: { 'acsa.nlu.batch_size': t.size, 'acsa.model.version': this.version },
        });
      });
    }
    return withSpan('nlu.inference', async () => {
      const [p] = await this.classifier.predict([text], { topK: SUGGESTIONS });
      return p as TPrediction;
    });
  }

  /** Stops taking new requests; frees the session when the in-flight ones are done. */
  retire(): void {
    this.state = 'UNLOADING';
    if (this.inFlight === 0) void this.free();
  }

  get busy(): number {
    return this.inFlight;
  }

  private free(): Promise<void> {
    this.released ??= this.classifier.release().catch(() => undefined);
    return this.released;
  }
}
