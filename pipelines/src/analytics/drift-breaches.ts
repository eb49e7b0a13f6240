import type { TDriftBreach } from '../drift-thresholds.ts';

/**
 * The breaches a drift report kept (`details.breaches`), for every read of them (overview alerts, the drift
 * page, a window's panel). `details` is JSON written by whichever trainer ran the check, so each entry is
 * checked: one without a numeric value and threshold is dropped, since the console prints every breach as
 * "value > threshold" and a missing figure would throw there rather than read as nothing.
 */
export function breachesOf(details: unknown): TDriftBreach[] {
  const list = (details as { breaches?: unknown } | null)?.breaches;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (b): b is TDriftBreach =>
      typeof b?.metric === 'string' && typeof b?.value === 'number' && typeof b?.threshold === 'number',
  );
}
