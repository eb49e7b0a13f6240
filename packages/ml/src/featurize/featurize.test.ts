import { describe, expect, it } from 'vitest';
import { featurize } from './featurize.ts';
import { featurizerConfig } from './featurizer-config.ts';
import { normalizeText, tokenize } from './normalize.ts';

const cfg = featurizerConfig({ buckets: 1 << 12 });

describe('featurize', () => {
  it('gives the same sparse bag for the same text, L2-normalised', () => {
    const a = featurize('Where is my order?', cfg);
    const b = featurize('Where is my order?', cfg);
    expect(Array.from(a.ids)).toEqual(Array.from(b.ids));
    const norm = Math.hypot(...Array.from(a.weights));
    expect(norm).toBeCloseTo(1, 5);
    expect(Math.max(...Array.from(a.ids))).toBeLessThan(cfg.buckets);
  });

  it('ignores case, accents and spacing', () => {
    const a = featurize('Café  ORDER', cfg);
    const b = featurize('cafe order', cfg);
    expect(Array.from(a.ids)).toEqual(Array.from(b.ids));
  });

  it('maps numbers of the same shape to the same token, so order numbers generalise', () => {
    expect(tokenize(normalizeText('order 12345 for $20'))).toEqual(['order', '#l', 'for', '#s']);
    expect(Array.from(featurize('order 48213', cfg).ids)).toEqual(
      Array.from(featurize('order 99120', cfg).ids),
    );
  });

  it('caps the number of features of a long text', () => {
    const letters = (i: number) => String.fromCharCode(97 + (i % 26), 97 + (Math.floor(i / 26) % 26));
    const long = Array.from({ length: 400 }, (_, i) => `w${letters(i)}x${letters(i * 7)}`).join(' ');
    expect(featurize(long, { ...cfg, maxFeatures: 64 }).ids.length).toBe(64);
  });
});
