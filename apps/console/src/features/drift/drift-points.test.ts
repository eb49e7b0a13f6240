import { describe, expect, it } from 'vitest';
import { ksPoints, psiPoints } from './drift-points';

const HOUR = 3_600_000;
const t0 = Date.parse('2026-12-06T12:00:00Z');
const thresholds = {
  intentPsi: 0.3,
  intentJs: 0.1,
  confidencePsi: 0.25,
  lengthPsi: 0.25,
  confidenceKs: 0.2,
  lengthKs: 0.2,
};
const reported = (psi: number, ks: number | null) => ({
  intentPsi: psi,
  confidencePsi: psi,
  lengthPsi: psi,
  confidenceKs: ks,
  lengthKs: ks,
  thresholds,
});
// 12h and 16h reported, the three hours between not: as driftView hands them over.
const hourly = [reported(0.1, 0.05), null, null, null, reported(0.4, null)].map((w, i) => ({
  hour: new Date(t0 + i * HOUR),
  window: w as never,
}));

describe('drift chart points', () => {
  it('keep the hours without a report as gaps, every figure null rather than 0', () => {
    const psi = psiPoints(hourly);
    expect(psi.map((p) => [p.label, p.reported, p.intentPsi, p.intentPsiLimit])).toEqual([
      ['12-06 12h', true, 0.1, 0.3],
      ['12-06 13h', false, null, null],
      ['12-06 14h', false, null, null],
      ['12-06 15h', false, null, null],
      ['12-06 16h', true, 0.4, 0.3],
    ]);
    expect(Object.values(psi[2] ?? {}).filter((v) => v === 0)).toEqual([]);
  });

  it('draw no KS threshold for a gap, nor for a window reported without KS figures', () => {
    expect(ksPoints(hourly).map((p) => [p.reported, p.confidenceKs, p.confidenceKsLimit])).toEqual([
      [true, 0.05, 0.2],
      [false, null, null],
      [false, null, null],
      [false, null, null],
      [true, null, null],
    ]);
  });
});
