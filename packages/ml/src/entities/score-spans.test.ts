import { describe, expect, it } from 'vitest';
import { scoreSpans } from './score-spans.ts';

const docs = [
  {
    gold: [
      { type: 'order_id', start: 6, end: 11 },
      { type: 'amount', start: 20, end: 24 },
    ],
    predicted: [
      { type: 'order_id', start: 6, end: 11 },
      { type: 'amount', start: 19, end: 24 },
      { type: 'email', start: 30, end: 40 },
    ],
  },
  { gold: [{ type: 'order_id', start: 0, end: 5 }], predicted: [{ type: 'order_id', start: 10, end: 15 }] },
];

describe('scoreSpans', () => {
  it('scores exact matches per type', () => {
    const [amount, order] = scoreSpans(docs, { match: 'exact' });
    expect(order).toMatchObject({
      type: 'order_id',
      gold: 2,
      predicted: 2,
      truePositives: 1,
      precision: 0.5,
    });
    expect(amount).toMatchObject({ type: 'amount', truePositives: 0, precision: 0, recall: 0, f1: 0 });
  });

  it('counts an overlapping span of the same type as a match in overlap mode', () => {
    const [amount] = scoreSpans(docs, { match: 'overlap' });
    expect(amount).toMatchObject({ truePositives: 1, precision: 1, recall: 1, f1: 1 });
  });

  it('ignores predicted types that are not scored', () => {
    const scores = scoreSpans(docs, { match: 'exact', types: ['email'] });
    expect(scores).toEqual([
      { type: 'email', gold: 0, predicted: 1, truePositives: 0, precision: 0, recall: 0, f1: 0 },
    ]);
  });
});
