const UNIT_SECONDS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
  d: 86_400,
  w: 604_800,
  y: 31_536_000,
};

/** A Prometheus duration (`15s`, `1h30m`) in seconds; throws on anything else, so a typo cannot pass. */
export function durationSeconds(duration: string): number {
  const parts = [...duration.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== duration)
    throw new Error(`not a Prometheus duration: ${duration}`);
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * (UNIT_SECONDS[unit as string] as number), 0);
}

/**
 * Every range selector of a PromQL expression (`metric{...}[5m]`, and a subquery's `[5m:1m]` by its range),
 * with the function that takes it: the window over which that function needs samples.
 */
export function rangeWindows(expr: string): { fn: string; window: string }[] {
  return [...expr.matchAll(/(\w*)\s*\(\s*[^()[\]]*?\[([^\]:]+)(?::[^\]]*)?\]/g)].map(
    ([, fn = '', window = '']) => ({
      fn,
      window: window.trim(),
    }),
  );
}
