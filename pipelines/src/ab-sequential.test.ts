import { describe, expect, it } from 'vitest';
import { sequentialTest } from './ab-sequential.ts';
import { compareProportions } from './ab-stats.ts';

describe('sequential test (mSPRT)', () => {
  it('says nothing without data and finds no difference between equal rates', () => {
    expect(sequentialTest({ successes: 0, n: 0 }, { successes: 3, n: 10 })).toBeNull();
    const same = sequentialTest({ successes: 100, n: 1000 }, { successes: 100, n: 1000 });
    expect(same?.pValue).toBe(1);
    expect(same?.decided).toBe(false);
  });

  it('decides on a clear difference, and is more cautious than a fixed-horizon z-test on the same data', () => {
    const control = { successes: 200, n: 2000 };
    const treatment = { successes: 140, n: 2000 };
    const seq = sequentialTest(control, treatment);
    const fixed = compareProportions(control, treatment);
    expect(seq?.decided).toBe(true);
    expect(seq!.pValue).toBeGreaterThan(fixed!.pValue);
    // A difference a peeking z-test would call (p ≈ 0.03) is not yet enough here.
    const early = { successes: 30, n: 200 };
    const earlyT = { successes: 16, n: 200 };
    expect(compareProportions(early, earlyT)!.pValue).toBeLessThan(0.05);
    expect(sequentialTest(early, earlyT)!.decided).toBe(false);
  });

  it('keeps false alarms under alpha when results are looked at after every 50 sessions', () => {
    // Deterministic pseudo-random A/A tests: both sides 10 %, checked 40 times each.
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    let alarms = 0;
    const runs = 200;
    for (let r = 0; r < runs; r++) {
      const a = { successes: 0, n: 0 };
      const b = { successes: 0, n: 0 };
      for (let look = 0; look < 40; look++) {
        for (let i = 0; i < 50; i++) {
          a.n++;
          b.n++;
          if (rand() < 0.1) a.successes++;
          if (rand() < 0.1) b.successes++;
        }
        if (sequentialTest(a, b)?.decided) {
          alarms++;
          break;
        }
      }
    }
    expect(alarms / runs).toBeLessThanOrEqual(0.05);
  });
});
