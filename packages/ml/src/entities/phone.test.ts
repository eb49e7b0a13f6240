import { describe, expect, it } from 'vitest';
import { extractEntities } from './extract-entities.ts';

const phones = (text: string) =>
  extractEntities(text)
    .filter((e) => e.type === 'phone')
    .map((e) => [text.slice(e.start, e.end), e.value]);

describe('phone numbers', () => {
  it.each([
    ['call me at (555) 123-4567', '(555) 123-4567', '5551234567'],
    ['my number is 555-123-4567', '555-123-4567', '5551234567'],
    ['reach me on +44 20 7946 0958', '+44 20 7946 0958', '+442079460958'],
    ['mobile: 07700 900123', '07700 900123', '07700900123'],
    ['toll free 1-800-555-0199', '1-800-555-0199', '18005550199'],
    ['call me at 5551234567', '5551234567', '5551234567'],
    ['call me about my order at 5551234567', '5551234567', '5551234567'],
  ])('finds the phone in %j', (text, surface, value) => {
    expect(phones(text)).toEqual([[surface, value]]);
  });

  it('reads a long number after "order" as the order, not a phone', () => {
    expect(extractEntities('order 5551234567 is late').map((e) => e.type)).toEqual(['order_id']);
  });

  it.each([
    'orders 10042 10043',
    'shipped on 2026-03-05',
    'it cost 1,299.00',
    'ZIP 10001-1234',
    '5551234567',
  ])('%j has no phone', (text) => {
    expect(phones(text)).toEqual([]);
  });
});
