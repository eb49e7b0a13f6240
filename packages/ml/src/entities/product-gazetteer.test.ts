import { describe, expect, it } from 'vitest';
import { extractEntities } from './extract-entities.ts';
import { createProductGazetteer } from './product-gazetteer.ts';

const catalogue = createProductGazetteer([
  'Wireless Headphones',
  'Wireless Headphones Pro',
  "Chef's Knife",
  'Wi-Fi Extender',
  'Tent (2-person)',
  'Coffee Grinder',
  'Battery Pack',
  { name: 'Acme Smart Watch', aliases: ['acme watch'] },
]);
const products = (text: string) =>
  extractEntities(text, { products: catalogue })
    .filter((e) => e.type === 'product')
    .map((e) => [text.slice(e.start, e.end), e.value]);

describe('product gazetteer', () => {
  it.each([
    ['my wireless headphones broke', 'wireless headphones', 'Wireless Headphones'],
    ['the Wireless Headphones Pro is great', 'Wireless Headphones Pro', 'Wireless Headphones Pro'],
    ['is the chefs knife dishwasher safe', 'chefs knife', "Chef's Knife"],
    ['two WIFI EXTENDERS please', 'WIFI EXTENDERS', 'Wi-Fi Extender'],
    ['the wi-fi extender drops', 'wi-fi extender', 'Wi-Fi Extender'],
    ['where is my tent', 'tent', 'Tent (2-person)'],
    ['I ordered 2 coffee grinders', 'coffee grinders', 'Coffee Grinder'],
    ['the battery packs are dead', 'battery packs', 'Battery Pack'],
    ['my acme watch stopped', 'acme watch', 'Acme Smart Watch'],
  ])('finds the product in %j', (text, surface, value) => {
    expect(products(text)).toEqual([[surface, value]]);
  });

  it('finds several products and leaves partial names alone', () => {
    expect(products('the headphones and the coffee grinder')).toEqual([['coffee grinder', 'Coffee Grinder']]);
  });

  it('compiles a plain array the same way', () => {
    const text = 'is the coffee grinder back in stock?';
    const names = ['Coffee Grinder'];
    expect(extractEntities(text, { products: names })).toEqual([
      { type: 'product', value: 'Coffee Grinder', start: 7, end: 21 },
    ]);
  });
});
