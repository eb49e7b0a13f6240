import type { TCandidate, TEntity } from './types.ts';

/**
 * Keeps a non-overlapping subset: higher score first, then the longer span, then the earlier one; the
 * result is sorted by start. Messages yield a handful of candidates, so the quadratic check is cheapest.
 */
export function selectSpans(candidates: TCandidate[]): TEntity[] {
  candidates.sort((a, b) => b.score - a.score || b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: TEntity[] = [];
  for (const c of candidates) {
    if (kept.some((k) => c.start < k.end && k.start < c.end)) continue;
    kept.push({ type: c.type, value: c.value, start: c.start, end: c.end });
  }
  return kept.sort((a, b) => a.start - b.start);
}
