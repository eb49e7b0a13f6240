import { readFileSync } from 'node:fs';
import { needsSharedData, sharedDataset } from '@acsa/db/testing';
import { describe, expect, it } from 'vitest';
import { normalizeKey, splitOf } from './split.ts';

// The public Bitext sets were split with the same rule; when they are at hand, every row must agree.
const SHARED = sharedDataset('bitext-customer-support-20k');

describe('split', () => {
  it('normalises case, punctuation and spacing away', () => {
    expect(normalizeKey("  Where's my ORDER #10042?? ")).toBe('where s my order 10042');
    expect(normalizeKey('Café — crème!')).toBe('café crème');
  });

  it('gives texts that normalise alike the same split', () => {
    expect(splitOf('Cancel order 10042!')).toBe(splitOf('cancel   order 10042'));
  });

  it('follows the shared data rule', () => {
    expect(splitOf("I don't have an online account, what do I have to do to register?")).toBe('dev');
  });

  it('agrees with every row of the shared Bitext data', needsSharedData(SHARED), () => {
    const rows = readFileSync(SHARED!, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { text: string; split: string });
    const disagreeing = rows.filter((row) => splitOf(row.text) !== row.split);
    expect(disagreeing).toEqual([]);
  });
});
