import { describe, expect, it } from 'vitest';
import { corpusStats } from './stats.ts';

describe('corpusStats', () => {
  it('counts rows per intent and split, and entities per type', () => {
    const stats = corpusStats([
      { text: 'hi', intent: 'greeting', entities: [], split: 'train' },
      { text: 'hello', intent: 'greeting', entities: [], split: 'test' },
      {
        text: 'cancel 10042',
        intent: 'cancel_order',
        entities: [{ type: 'order_id', value: '10042', start: 7, end: 12 }],
        split: 'dev',
      },
    ]);
    expect(stats.total).toEqual({ train: 1, dev: 1, test: 1, total: 3 });
    expect(stats.byIntent).toEqual({
      greeting: { train: 1, dev: 0, test: 1, total: 2 },
      cancel_order: { train: 0, dev: 1, test: 0, total: 1 },
    });
    expect(stats.entities).toEqual({ order_id: 1 });
  });
});
