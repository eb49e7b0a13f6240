import { describe, expect, it } from 'vitest';
import { breachesOf } from './drift-breaches.ts';

describe('drift breaches', () => {
  it('are the ones a report kept with their figures, an intent share’s with its intent', () => {
    const share = { metric: 'intentShare', intent: 'track_order', value: 0.08, threshold: 0.04, p: 1e-5 };
    const details = {
      breaches: [
        { metric: 'intentPsi', value: 0.41, threshold: 0.3 },
        share,
        // Not printable as "value > threshold": left out rather than shown as "0.41 > undefined".
        { metric: 'lengthPsi', value: 0.41 },
        { metric: 'confidencePsi', value: '0.5', threshold: 0.25 },
      ],
    };
    expect(breachesOf(details)).toEqual([{ metric: 'intentPsi', value: 0.41, threshold: 0.3 }, share]);
  });

  it('are none on a report that kept none', () => {
    expect(breachesOf({})).toEqual([]);
    expect(breachesOf(null)).toEqual([]);
    expect(breachesOf({ breaches: 'intentPsi' })).toEqual([]);
  });
});
