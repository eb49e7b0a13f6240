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
  it('a candidate refused for trailing production says its accuracy once, and the bar production set', () => {
    const failed = [
      {
        check: 'compare.accuracy',
        value: 0.552,
        limit: 0.83,
        message: 'accuracy 55.20 % vs production 85.00 % (may trail production by 2.0 pt at most)',
      },
    ];
    const sentence = gateSentence({ ...gate, candidateAccuracy: 0.552, productionAccuracy: 0.85, failed });
    expect(sentence).toBe(
      'Gate refused the candidate: accuracy 55.2 % vs 85.0 % in production; accuracy below the 83.0 % production allows',
    );
    expect(sentence.match(/accuracy \d/g)).toHaveLength(1);
  });
  it('a passed gate says only the figures', () => {
    expect(gateSentence({ ...gate, passed: true, reasons: [], failed: [], candidateAccuracy: 0.912 })).toBe(
      'Gate passed: accuracy 91.2 %',
    );
  });
});
