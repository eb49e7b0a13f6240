import { withSpan } from '@acsa/core/tracing';
import type { Redis } from 'ioredis';
import type { TKnowledge } from '../knowledge/types.ts';

/** Each read or write of the shop's knowledge as a `knowledge.<method>` span (its cache and pg spans inside). */
export function traceKnowledge(knowledge: TKnowledge): TKnowledge {
  const traced = { ...knowledge };
  for (const name of [
    'orderByNumber',
    'orderByInvoice',
    'articleFor',
    'productByName',
    'cancelOrder',
  ] as const) {
    const fn = knowledge[name] as (...args: unknown[]) => Promise<unknown>;
    (traced as Record<string, unknown>)[name] = (...args: unknown[]) =>
      withSpan(`knowledge.${name}`, () => fn(...args));
  }
  return traced;
}

/**
 * The knowledge cache's Redis client with a `cache.get` span (attribute `acsa.cache.hit`) around each GET;
 * everything else passes through untouched (status, SET, DEL).
 */
export function traceCacheRedis(redis: Redis): Redis {
  return new Proxy(redis, {
    get(target, prop, receiver) {
      if (prop !== 'get') return Reflect.get(target, prop, receiver);
      return (key: string) =>
        withSpan('cache.get', async (span) => {
          const value = await target.get(key);
          span?.setAttribute('acsa.cache.hit', value != null);
          return value;
        });
    },
  });
}
