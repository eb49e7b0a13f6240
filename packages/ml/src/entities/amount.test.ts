import { describe, expect, it } from 'vitest';
import { extractEntities } from './extract-entities.ts';

const amounts = (text: string) =>
  extractEntities(text)
    .filter((e) => e.type === 'amount')
    .map((e) => [text.slice(e.start, e.end), e.value]);

describe('amounts', () => {
  it.each([
    ['I was charged $49.99 twice', '$49.99', '49.99 USD'],
    ['refund 1499 dollars please', '1499 dollars', '1499.00 USD'],
    ['it was 49.99 USD', '49.99 USD', '49.99 USD'],
    ['the total was USD 49.99', 'USD 49.99', '49.99 USD'],
    ['ich habe 49,99 € bezahlt', '49,99 €', '49.99 EUR'],
    ['it cost €1.299,00', '€1.299,00', '1299.00 EUR'],
    ['a £5.50 delivery fee', '£5.50', '5.50 GBP'],
    ['I paid $1,299 for the laptop', '$1,299', '1299.00 USD'],
    ['refunding$1', '$1', '1.00 USD'],
    ['it was 20 euros', '20 euros', '20.00 EUR'],
    ['only 50 cents off?', '50 cents', '0.50 USD'],
    ['a CA$20 gift card', 'CA$20', '20.00 CAD'],
    ['¥3000 please', '¥3000', '3000 JPY'],
    ['over $2k in orders', '$2k', '2000.00 USD'],
  ])('reads %j', (text, surface, value) => {
    expect(amounts(text)).toEqual([[surface, value]]);
  });

  it.each([
    'I ordered 2 items',
    'order 10042',
    'I bought 3 shirts in 2024',
    'a 5 pounds of flour bag',
    'try 50 times',
    'it is 50% off',
  ])('%j has no amount', (text) => {
    expect(amounts(text)).toEqual([]);
  });
});
