import { readFileSync } from 'node:fs';
import { needsSharedData, sharedDataset } from '@acsa/db/testing';
import { describe, expect, it } from 'vitest';
import { extractEntities } from './extract-entities.ts';
import { scoreSpans } from './score-spans.ts';

// The shared Bitext dataset is not part of the repository; without it this check is skipped.
const FILE = sharedDataset('bitext-llm-tagged');
type Row = { text: string; entities?: { type: string; start: number; end: number }[] };

describe('order ids on bitext-llm-tagged', needsSharedData(FILE), () => {
  it('reaches an order_id F1 of at least 0.95', () => {
    const rows = readFileSync(FILE!, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Row);
    const docs = rows.map((r) => ({
      gold: (r.entities ?? []).filter((e) => e.type === 'order_id'),
      predicted: extractEntities(r.text),
    }));
    // Overlap matching: Bitext's offsets for one of its order numbers run past the end of the text.
    const [order] = scoreSpans(docs, { match: 'overlap', types: ['order_id'] });
    expect(order!.gold).toBeGreaterThan(400);
    expect(order!.f1).toBeGreaterThanOrEqual(0.95);
  });
});
