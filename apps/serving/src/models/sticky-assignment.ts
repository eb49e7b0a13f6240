import { createHash } from 'node:crypto';

/**
 * Picks a variant from a stable hash of the key (experiment id + session id): a shopper stays in one
 * variant for the whole experiment, on every replica, with no shared state.
 */
export function pickVariant<T extends { weight: number }>(key: string, variants: readonly T[]): T {
  const h = createHash('sha1').update(key).digest().readUInt32BE(0) / 0x1_0000_0000;
  const total = variants.reduce((s, v) => s + v.weight, 0);
  let acc = 0;
  for (const v of variants) {
    acc += v.weight / total;
    if (h < acc) return v;
  }
  return variants[variants.length - 1] as T;
}
