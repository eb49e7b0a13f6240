import { describe, expect, it } from 'vitest';
import { createRandom } from './prng.ts';
import { PLACEHOLDER_BASE, render, type TDraftEntity, type TSlots, tidy } from './template.ts';

const slots: TSlots = {
  entity: { order_id: () => ({ type: 'order_id', value: '10042', surface: '10042', prefix: '#' }) },
  words: { thing: ['parcel', '{box|package}'] },
};

const renderMany = (source: string, n = 200) => {
  const random = createRandom(1);
  return new Set(Array.from({ length: n }, () => tidy(render(source, random, slots, []))));
};

describe('render', () => {
  it('picks alternatives, drops optional parts and tidies the spaces they leave', () => {
    expect(renderMany('{cancel|stop} [my] order')).toEqual(
      new Set(['cancel order', 'cancel my order', 'stop order', 'stop my order']),
    );
    expect(renderMany('where is it {please|} ?')).toEqual(new Set(['where is it please?', 'where is it?']));
  });

  it('fills word lists, whose entries are templates themselves', () => {
    expect(renderMany('my <thing>')).toEqual(new Set(['my parcel', 'my box', 'my package']));
  });

  it('leaves one placeholder per entity and records it', () => {
    const entities: TDraftEntity[] = [];
    const text = render('order <order_id> and <order_id>', createRandom(1), slots, entities);
    const [a, b] = [PLACEHOLDER_BASE, PLACEHOLDER_BASE + 1].map((c) => String.fromCharCode(c));
    expect(text).toBe(`order #${a} and #${b}`);
    expect(entities).toEqual([
      { type: 'order_id', value: '10042', surface: '10042' },
      { type: 'order_id', value: '10042', surface: '10042' },
    ]);
  });

  it('refuses broken templates and unknown slots', () => {
    expect(() => render('{a|b', createRandom(1), slots, [])).toThrow(/expected/);
    expect(() => render('a]', createRandom(1), slots, [])).toThrow(/unbalanced/);
    expect(() => render('<nope>', createRandom(1), slots, [])).toThrow(/unknown slot/);
  });
});

describe('tidy', () => {
  it('makes "a" and "an" agree with the next word', () => {
    expect(tidy('I need an bill and a invoice, a user account and a order')).toBe(
      'I need a bill and an invoice, a user account and an order',
    );
    expect(tidy('A address? I WANT A ORDER')).toBe('An address? I WANT AN ORDER');
  });

  it('cleans what empty alternatives leave', () => {
    expect(tidy('  where is it  ?. thanks ,, bye ')).toBe('where is it? thanks, bye');
  });
});
