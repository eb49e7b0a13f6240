import type { Logger } from '@acsa/core/logger';
import type { LoadedModel } from '../models/loaded-model.ts';
import type { ModelRegistry } from '../models/model-registry.ts';
import type { NluService } from '../nlu/nlu-service.ts';
import type { TShadowStore } from './shadow-store.ts';

/**
 * Mirrors each turn to the `shadow` alias's model when there is one: after the reply is on its way (next
 * turn of the event loop), the shadow classifies the same text through its own micro-batcher and cache,
 * and its prediction is stored beside the turn. It never changes or delays a reply; its failures are
 * logged, not raised.
 */
export function createShadowScorer(deps: {
  registry: ModelRegistry;
  nlu: NluService;
  store: TShadowStore;
  logger: Logger;
}) {
  async function score(shadow: LoadedModel, messageId: string, text: string, at: Date) {
    const started = performance.now();
    try {
      const p = await deps.nlu.classify(shadow, text);
      deps.store.record({
        messageId,
        modelVersionId: shadow.versionId,
        intent: p.intent,
        confidence: p.confidence,
        topK: p.topK,
        outOfScope: p.outOfScope,
        lowConfidence: p.lowConfidence,
        latencyMs: performance.now() - started,
        at,
      });
    } catch (e) {
      deps.logger.warn({ err: (e as Error).message, version: shadow.version }, 'shadow scoring failed');
    } finally {
      shadow.release();
    }
  }

  return {
    /** Called once the turn (and so its message) is stored; `answered` is the model that replied. */
    mirror(answered: LoadedModel, turn: { messageId: string; text: string; at: Date }): void {
      const shadow = deps.registry.shadowOf(answered);
      if (shadow) setImmediate(() => void score(shadow, turn.messageId, turn.text, turn.at));
    },
  };
}
export type TShadowScorer = ReturnType<typeof createShadowScorer>;
