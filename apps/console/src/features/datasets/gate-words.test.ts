import { describe, expect, it } from 'vitest';
import { gateSentence } from './gate-words';

const gate = {
  passed: false,
  reasons: ['accuracy 58.33 % < floor 85.00 %'],
  candidateAccuracy: 0.58333,
  productionAccuracy: null,
  failed: [
    { check: 'floor.accuracy', value: 0.58333, limit: 0.85, message: 'accuracy 58.33 % < floor 85.00 %' },
  ],
};

describe('the gate in words', () => {
  it('says the accuracy once, with the floor it missed', () => {
    expect(gateSentence(gate)).toBe('Gate refused the candidate: accuracy 58.3 %, below the 85 % floor');
  });
  it('words other floors the same way and keeps the rest of the reasons as the gate wrote them', () => {
    const failed = [
      ...gate.failed,
      { check: 'floor.macroF1', value: 0.401, limit: 0.8, message: 'macro-F1 40.10 % < floor 80.00 %' },
      { check: 'budget.size', value: 9e6, limit: 5e6, message: 'size 9.0 MB > budget 5.0 MB' },
    ];
    expect(gateSentence({ ...gate, productionAccuracy: 0.9, failed })).toBe(
      'Gate refused the candidate: accuracy 58.3 % vs 90.0 % in production, below the 85 % floor; macro-F1 40.1 %, below the 80 % floor; size 9.0 MB > budget 5.0 MB',
    );
  });
  it('a passed gate says only the figures', () => {
    expect(gateSentence({ ...gate, passed: true, reasons: [], failed: [], candidateAccuracy: 0.912 })).toBe(
      'Gate passed: accuracy 91.2 %',
    );
  });
});
