export type TWindow = { start: Date; end: Date };

/**
 * The windows still to report, oldest first: aligned to multiples of `windowMs` (whole UTC hours for the
 * default hour), closed at least `graceMs` ago, ending after the last report and after `notBefore` (when
 * the version took production), and no more than the latest `maxWindows` after a long pause.
 */
export function pendingWindows(o: {
  now: Date;
  windowMs: number;
  graceMs: number;
  maxWindows: number;
  lastEnd: Date | null;
  notBefore: Date;
}): TWindow[] {
  const w = o.windowMs;
  const latestEnd = Math.floor((o.now.getTime() - o.graceMs) / w) * w;
  const after = Math.max(
    o.lastEnd?.getTime() ?? -Infinity,
    o.notBefore.getTime(),
    latestEnd - o.maxWindows * w,
  );
  // The first aligned end strictly after `after`.
  const firstEnd = (Math.floor(after / w) + 1) * w;
  const out: TWindow[] = [];
  for (let end = firstEnd; end <= latestEnd; end += w)
    out.push({ start: new Date(end - w), end: new Date(end) });
  return out;
}
