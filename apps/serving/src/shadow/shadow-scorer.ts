import type { Logger } from '@acsa/core/logger';
import type { LoadedModel } from '../models/loaded-model.ts';
import type { ModelRegistry } from '../models/model-registry.ts';
import type { NluService } from '../nlu/nlu-service.ts';
import type { TShadowStore } from './shadow-store.ts';

/**
 * A stored customer turn, with what production made of it as its message holds it: stored beside the
 * shadow's prediction, so the shadow page compares the two without reading Message.
 */
export type TMirroredTurn = {
  messageId: string;
  text: string;
  at: Date;
  production: { intent: string; outOfScope: boolean };
};

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
  async function score(shadow: LoadedModel, answeredBy: string, turn: TMirroredTurn) {
    const started = performance.now();
    try {
      const p = await deps.nlu.classify(shadow, turn.text);
      deps.store.record({
        messageId: turn.messageId,
        modelVersionId: shadow.versionId,
        intent: p.intent,
        confidence: p.confidence,
        topK: p.topK,
        outOfScope: p.outOfScope,
        lowConfidence: p.lowConfidence,
        latencyMs: performance.now() - started,
        at: turn.at,
        productionIntent: turn.production.intent,
        productionOutOfScope: turn.production.outOfScope,
        productionModelVersionId: answeredBy,
      });
    } catch (e) {
      deps.logger.warn({ err: (e as Error).message, version: shadow.version }, 'shadow scoring failed');
    } finally {
      shadow.release();
    }
  }

  return {
    /** Called once the turn (and so its message) is stored; `answered` is the model that replied. */
    mirror(answered: LoadedModel, turn: TMirroredTurn): void {
      const shadow = deps.registry.shadowOf(answered);
      // Production's model version as its message holds it (Message.modelVersionId): the one that replied.
      if (shadow) setImmediate(() => void score(shadow, answered.versionId, turn));
    },
  };
}
export type TShadowScorer = ReturnType<typeof createShadowScorer>;
