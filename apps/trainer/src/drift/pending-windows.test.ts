import { describe, expect, it } from 'vitest';
import { pendingWindows } from './pending-windows.ts';

const H = 3_600_000;
const t = (iso: string) => new Date(`2026-11-26T${iso}:00.000Z`);
const ends = (ws: { end: Date }[]) => ws.map((w) => w.end.toISOString().slice(11, 16));

describe('pending drift windows', () => {
  const base = { windowMs: H, graceMs: 30_000, maxWindows: 24, notBefore: t('00:00') };

  it('reports each whole hour once it has closed, after the last report', () => {
    expect(ends(pendingWindows({ ...base, now: t('13:00'), lastEnd: t('11:00') }))).toEqual(['12:00']);
    // 30 s of grace: at 14:00:10 the 13–14 window may still be receiving its last turns.
    expect(
      ends(pendingWindows({ ...base, now: new Date(t('14:00').getTime() + 10_000), lastEnd: t('12:00') })),
    ).toEqual(['13:00']);
    expect(pendingWindows({ ...base, now: t('12:30'), lastEnd: t('12:00') })).toEqual([]);
  });

  it('starts with the window in which the version took production and catches up at most maxWindows', () => {
    const promoted = pendingWindows({ ...base, now: t('12:01'), lastEnd: null, notBefore: t('09:30') });
    expect(ends(promoted)).toEqual(['10:00', '11:00', '12:00']);
    expect(promoted[0]!.start.toISOString()).toBe('2026-11-26T09:00:00.000Z');
    const paused = pendingWindows({ ...base, maxWindows: 2, now: t('20:01'), lastEnd: t('05:00') });
    expect(ends(paused)).toEqual(['19:00', '20:00']);
  });
});
