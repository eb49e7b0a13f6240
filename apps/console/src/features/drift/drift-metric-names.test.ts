import { describe, expect, it } from 'vitest';
import { breachedMeasures, breachesText, breachText } from './drift-metric-names';

describe('drift alert text', () => {
  it('names each breach for people, with its figure against the threshold applied', () => {
    expect(breachText({ metric: 'intentPsi', value: 4.256, threshold: 0.692 })).toBe(
      'intent mix (PSI) 4.26 > 0.69',
    );
    expect(breachText({ metric: 'unknownTokenRate', value: 0.12, threshold: 0.05 })).toBe(
      'unknown words 12 % > 5 %',
    );
    expect(breachText({ metric: 'confidenceKs', value: 0.31, threshold: 0.2 })).toBe(
      'confidence shift (KS) 0.31 > 0.20',
    );
  });

  it('adds a digit where two decimals would make a value equal its threshold', () => {
    expect(breachText({ metric: 'intentJs', value: 0.1041, threshold: 0.1 })).toBe(
      'intent mix (Jensen–Shannon) 0.104 > 0.100',
    );
  });

  it('names each measure that moved once, for a compact table cell', () => {
    const at = (metric: string) => ({ metric, value: 1, threshold: 0.5 });
    expect(breachedMeasures(['intentPsi', 'intentJs', 'unknownTokenRate', 'lengthKs'].map(at))).toBe(
      'intent mix, unknown words, message length',
    );
  });

  it('names the intent whose share moved, from its reference share to the window’s, either way', () => {
    const up = { metric: 'intentShare', intent: 'track_order', value: 0.089, threshold: 0.047 };
    const down = { metric: 'intentShare', intent: 'refund', value: 0.01, threshold: 0.05 };
    expect(breachText(up)).toBe('track_order share 4.7 % → 8.9 %');
    expect(breachText(down)).toBe('refund share 5.0 % → 1.0 %');
    expect(breachedMeasures([{ metric: 'intentPsi', value: 1, threshold: 0.5 }, up, down])).toBe(
      'intent mix, track_order share, refund share',
    );
  });

  it('says so when an alert kept no breaches', () => {
    expect(breachesText([], 'thresholds crossed')).toBe('thresholds crossed');
  });
});
