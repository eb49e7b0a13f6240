import type { Logger } from '@acsa/core/logger';
import { MODEL_ALIAS_CHANNEL } from '@acsa/pipelines';
import type { Redis } from 'ioredis';
import type { ModelRegistry } from './model-registry.ts';

/**
 * Reconciles the registry when an alias move is announced on Redis pub/sub, and every `pollMs` anyway:
 * a message missed while Redis was down (or a move made by hand in SQL) is picked up by the poll.
 */
export function watchRegistry(options: {
  registry: ModelRegistry;
  subscriber: Redis | null;
  pollMs: number;
  logger: Logger;
}) {
  const { registry, subscriber, logger } = options;
  const reconcile = () =>
    registry.reconcile().catch((e) => logger.error({ err: (e as Error).message }, 'registry check failed'));
  const timer = setInterval(reconcile, options.pollMs);
  timer.unref();
  if (subscriber) {
    subscriber.on('message', (channel) => {
      if (channel === MODEL_ALIAS_CHANNEL) void reconcile();
    });
    subscriber
      .subscribe(MODEL_ALIAS_CHANNEL)
      .catch((e) =>
        logger.warn({ err: (e as Error).message }, 'alias notifications unavailable; polling only'),
      );
  }
  return {
    async stop() {
      clearInterval(timer);
      if (subscriber) subscriber.disconnect();
    },
  };
}
