/** Figures as the registry pages print them: rates in %, deltas in percentage points with their sign. */
export const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);

export function pp(delta: number | null): { text: string; tone: 'up' | 'down' | 'flat' } {
  if (delta === null) return { text: '—', tone: 'flat' };
  const points = delta * 100;
  if (Math.abs(points) < 0.05) return { text: '±0.0 pp', tone: 'flat' };
  return {
    text: `${points > 0 ? '+' : '−'}${Math.abs(points).toFixed(1)} pp`,
    tone: points > 0 ? 'up' : 'down',
  };
}

export const mb = (bytes: number) =>
  bytes < 1_000
    ? `${bytes} B`
    : bytes < 100_000
      ? `${(bytes / 1e3).toFixed(1)} kB`
      : `${(bytes / 1e6).toFixed(1)} MB`;
export const when = (d: Date) => `${d.toISOString().replace('T', ' ').slice(0, 16)} UTC`;
