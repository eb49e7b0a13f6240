import { describe, expect, it } from 'vitest';
import { addTypos, casual, misspell } from './noise.ts';
import { createRandom } from './prng.ts';

describe('noise', () => {
  it('misspells a word but keeps its first letter, and leaves short words alone', () => {
    const random = createRandom(3);
    for (let i = 0; i < 200; i++) {
      const typo = misspell('delivery', random);
      expect(typo[0]).toBe('d');
      expect(Math.abs(typo.length - 8)).toBeLessThanOrEqual(1);
    }
    expect(misspell('hi', random)).toBe('hi');
  });

  it('never touches entity placeholders or the text around words', () => {
    const text = 'where is order \uE000 for \uE001, placed yesterday?';
    const random = createRandom(11);
    for (let i = 0; i < 200; i++) {
      const noisy = addTypos(text, random, 2);
      expect(noisy).toContain(' \uE000 ');
      expect(noisy).toContain(' \uE001, ');
      expect(noisy.endsWith('?')).toBe(true);
    }
  });

  it('makes some difference most of the time', () => {
    const random = createRandom(5);
    const changed = Array.from({ length: 100 }, () => addTypos('please cancel my order', random, 1)).filter(
      (t) => t !== 'please cancel my order',
    );
    expect(changed.length).toBeGreaterThan(80);
  });

  it('types casually: lower case, shorthand, and placeholders kept', () => {
    const random = createRandom(9);
    const outputs = Array.from({ length: 200 }, () =>
      casual("I'm going to need you to CANCEL \uE000, please.", random),
    );
    for (const out of outputs) {
      expect(out).toBe(out.toLowerCase());
      expect(out).toContain('\uE000');
    }
    expect(outputs.some((out) => out.includes('gonna'))).toBe(true);
    expect(outputs.some((out) => /\bpl[sz]\b/.test(out))).toBe(true);
    expect(outputs.some((out) => out.includes('im '))).toBe(true);
  });
});
