import { describe, expect, it } from 'vitest';
import { ENTITY_SHAPES, ENTITY_TYPES } from './entities.ts';
import { DEFAULT_PER_INTENT, generateCorpus, type TCorpusExample } from './generate.ts';
import { INTENT_NAMES } from './intents.ts';
import { DEFAULT_PRODUCT_NAMES } from './products.ts';
import { normalizeKey } from './split.ts';

// CPU time, not wall time: test files run side by side on few cores, and waiting for a core is not slowness.
const started = process.cpuUsage();
const corpus = generateCorpus();
const spent = process.cpuUsage(started);
const elapsedMs = (spent.user + spent.system) / 1000;

const byIntent = (rows: readonly TCorpusExample[]) => {
  const groups = new Map<string, TCorpusExample[]>();
  for (const row of rows) groups.set(row.intent, [...(groups.get(row.intent) ?? []), row]);
  return groups;
};

/** The text with every entity replaced by its type: what is left when order numbers and names are ignored. */
const skeleton = (row: TCorpusExample) => {
  let text = row.text;
  for (const e of [...row.entities].sort((a, b) => b.start - a.start)) {
    text = `${text.slice(0, e.start)} ${e.type} ${text.slice(e.end)}`;
  }
  return normalizeKey(text);
};

describe('generateCorpus', () => {
  it('generates the whole default corpus in under 2 s', () => {
    expect(elapsedMs).toBeLessThan(2000);
  });

  it('is deterministic for a seed and changes with it', () => {
    const a = generateCorpus({ seed: 7, perIntent: 150 });
    expect(generateCorpus({ seed: 7, perIntent: 150 })).toEqual(a);
    const b = generateCorpus({ seed: 8, perIntent: 150 });
    const textsA = new Set(a.map((row) => row.text));
    const shared = b.filter((row) => textsA.has(row.text)).length;
    // Short messages ("refund", "hi") recur under any seed; most rows must not.
    expect(shared / b.length).toBeLessThan(0.5);
  });

  it('has the requested number of distinct texts for every intent of the taxonomy', () => {
    const groups = byIntent(corpus);
    expect([...groups.keys()]).toEqual(INTENT_NAMES);
    for (const intent of INTENT_NAMES) {
      const keys = new Set(groups.get(intent)?.map((row) => normalizeKey(row.text)));
      expect(keys.size, intent).toBe(DEFAULT_PER_INTENT);
    }
  });

  it('reaches 150 distinct texts per intent without relying on entity values alone', () => {
    for (const [intent, rows] of byIntent(generateCorpus({ perIntent: 150 }))) {
      expect(new Set(rows.map((row) => normalizeKey(row.text))).size, intent).toBe(150);
      expect(new Set(rows.map(skeleton)).size, intent).toBeGreaterThanOrEqual(120);
    }
  });

  it('puts every entity span exactly on a well-formed surface', () => {
    const catalogue = new Set(DEFAULT_PRODUCT_NAMES);
    const spans = new Map<string, number>();
    for (const row of corpus) {
      let lastEnd = 0;
      for (const entity of [...row.entities].sort((a, b) => a.start - b.start)) {
        spans.set(entity.type, (spans.get(entity.type) ?? 0) + 1);
        expect(entity.start, row.text).toBeGreaterThanOrEqual(lastEnd);
        expect(entity.end).toBeLessThanOrEqual(row.text.length);
        lastEnd = entity.end;
        const surface = row.text.slice(entity.start, entity.end);
        if (entity.type === 'product') {
          expect(catalogue.has(entity.value)).toBe(true);
          expect(surface.toLowerCase()).toBe(entity.value.toLowerCase());
        } else {
          expect(surface, `${entity.type} in "${row.text}"`).toMatch(ENTITY_SHAPES[entity.type]);
        }
        if (entity.type === 'order_id') expect(Number(entity.value)).toBeGreaterThanOrEqual(10001);
        if (entity.type === 'invoice_id') expect(entity.value).toMatch(/^INV-20\d\d-\d{5}$/);
        if (entity.type === 'amount') expect(entity.value).toMatch(/^\d+\.\d\d (USD|EUR|GBP)$/);
        if (entity.type === 'date') expect(entity.value).toMatch(/^(\d{4}-)?\d\d-\d\d$/);
      }
    }
    for (const type of ENTITY_TYPES) expect(spans.get(type) ?? 0, type).toBeGreaterThanOrEqual(50);
  });

  it('never puts one normalised text under two intents or in two splits', () => {
    const seen = new Map<string, string>();
    for (const row of corpus) {
      const key = normalizeKey(row.text);
      expect(seen.get(key), row.text).toBeUndefined();
      seen.set(key, `${row.intent}/${row.split}`);
    }
  });

  it('splits about 80/10/10', () => {
    const share = (split: string) => corpus.filter((row) => row.split === split).length / corpus.length;
    expect(share('train')).toBeGreaterThan(0.75);
    expect(share('train')).toBeLessThan(0.85);
    for (const split of ['dev', 'test']) {
      expect(share(split)).toBeGreaterThan(0.07);
      expect(share(split)).toBeLessThan(0.13);
    }
  });

  it('draws product entities from the catalogue it is given', () => {
    const productNames = ['Quokka Travel Mug', 'Zephyr Desk Fan'];
    const rows = generateCorpus({ productNames, perIntent: 150 });
    const values = rows.flatMap((row) =>
      row.entities.filter((e) => e.type === 'product').map((e) => e.value),
    );
    expect(new Set(values)).toEqual(new Set(productNames));
    const defaults = DEFAULT_PRODUCT_NAMES.map((name) => name.toLowerCase());
    expect(rows.some((row) => defaults.some((name) => row.text.toLowerCase().includes(name)))).toBe(false);
  });

  it('spells order numbers the way customers do', () => {
    const texts = corpus.map((row) => row.text);
    expect(texts.some((text) => /#\d{5}\b/.test(text))).toBe(true);
    expect(texts.some((text) => /order no\. \d{5}\b/i.test(text))).toBe(true);
    expect(texts.some((text) => /order (number )?\d{5}\b/i.test(text))).toBe(true);
  });

  it('rejects options it cannot honour', () => {
    expect(() => generateCorpus({ perIntent: 0 })).toThrow(/perIntent/);
    expect(() => generateCorpus({ seed: 1.5 })).toThrow(/seed/);
    expect(() => generateCorpus({ productNames: [' '] })).toThrow(/productNames/);
  });
});
