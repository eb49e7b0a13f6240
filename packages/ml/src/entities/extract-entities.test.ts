import { describe, expect, it } from 'vitest';
import { extractEntities } from './extract-entities.ts';

const found = (text: string) =>
  extractEntities(text).map((e) => [e.type, text.slice(e.start, e.end), e.value]);

describe('extractEntities', () => {
  it('reads a support message with several entities', () => {
    const text =
      'Hi, my name is Laura Brown. Order #10042 (invoice INV-2026-00123) was charged $49.99 twice on ' +
      '2026-03-05. Email me at Laura.Brown@Example.com or call +1 (555) 123-4567.';
    expect(found(text)).toEqual([
      ['person_name', 'Laura Brown', 'Laura Brown'],
      ['order_id', '#10042', '10042'],
      ['invoice_id', 'INV-2026-00123', 'INV-2026-00123'],
      ['amount', '$49.99', '49.99 USD'],
      ['date', '2026-03-05', '2026-03-05'],
      ['email', 'Laura.Brown@Example.com', 'laura.brown@example.com'],
      ['phone', '+1 (555) 123-4567', '+15551234567'],
    ]);
  });

  it('returns non-overlapping spans in order, each the slice it names', () => {
    const texts = [
      'orders 10042 and 10043, refund $20 to jo10042@mail.com by March 3',
      'call 555-123-4567 about order 10042 from 03/05/2026',
      'mr smith paid 1.299,00 € for #10043 yesterday',
    ];
    for (const text of texts) {
      const entities = extractEntities(text);
      expect(entities.length).toBeGreaterThan(2);
      for (const [i, e] of entities.entries()) {
        expect(e.end).toBeGreaterThan(e.start);
        expect(text.slice(e.start, e.end).trim()).toBe(text.slice(e.start, e.end));
        if (i > 0) expect(e.start).toBeGreaterThanOrEqual(entities[i - 1]!.end);
      }
    }
  });

  it('does not read the digits inside an email as an order', () => {
    expect(found('order help: jo10042@mail.com')).toEqual([
      ['email', 'jo10042@mail.com', 'jo10042@mail.com'],
    ]);
  });

  it('finds nothing in small talk', () => {
    expect(extractEntities('Hello, I want to speak with a human please')).toEqual([]);
    expect(extractEntities('')).toEqual([]);
  });
});
