import { describe, expect, it } from 'vitest';
import { extractEntities, type TExtractOptions } from './extract-entities.ts';

const found = (text: string, options?: TExtractOptions) =>
  extractEntities(text, options).map((e) => [e.type, text.slice(e.start, e.end), e.value]);
const ids = (text: string, options?: TExtractOptions) =>
  found(text, options).filter(([type]) => type === 'order_id' || type === 'invoice_id');

describe('order ids', () => {
  it.each([
    ['Where is my order 10042?', '10042'],
    ['where is #10042', '#10042'],
    ['order no. 10042 still not here', '10042'],
    ['Order number: 10042', '10042'],
    ['my order # 10042 arrived broken', '# 10042'],
    ['can you check order#10042', '#10042'],
    ['I want to cancel purchase 00004587345', '00004587345'],
    ['cancel ordedr 732201349959', '732201349959'],
    ['status of theorder 113542617735902', '113542617735902'],
    ['my ORD-10042 is late', 'ORD-10042'],
  ])('finds the order id in %j', (text, surface) => {
    expect(ids(text)).toEqual([['order_id', surface, expect.any(String)]]);
  });

  it('normalises to digits without leading zeros', () => {
    expect(ids('order #10042')[0]?.[2]).toBe('10042');
    expect(ids('cancel purchase 00004587345')[0]?.[2]).toBe('4587345');
    expect(ids('ORD-10042 please')[0]?.[2]).toBe('10042');
  });

  it('reads every id of a list after one order word', () => {
    expect(ids('orders 10042, 10043 and 10044 are missing').map(([, , v]) => v)).toEqual([
      '10042',
      '10043',
      '10044',
    ]);
  });

  it('finds an order id named earlier in the sentence, once', () => {
    expect(ids("my order hasn't arrived yet, it's 10042")).toEqual([['order_id', '10042', '10042']]);
    expect(ids('Order 10042 went to 94107 instead of 94110')).toEqual([['order_id', '10042', '10042']]);
  });

  it('takes a bare number as an id only when the agent asked for one', () => {
    expect(ids('10042')).toEqual([]);
    expect(ids('it is 10042', { expecting: 'order_id' })).toEqual([['order_id', '10042', '10042']]);
  });
});

describe('invoice ids', () => {
  it.each([
    ['I need invoice INV-2026-00123', 'INV-2026-00123', 'INV-2026-00123'],
    ['send me inv-2026-00123 again', 'inv-2026-00123', 'INV-2026-00123'],
    ['I have to download bill #85632', '#85632', '85632'],
    ['where is my invoice number 55501', '55501', '55501'],
    ['receipt #00108 is missing', '#00108', '00108'],
  ])('finds the invoice id in %j', (text, surface, value) => {
    expect(ids(text)).toEqual([['invoice_id', surface, value]]);
  });

  it('tells an invoice id from the order it is for', () => {
    expect(ids('invoice INV-2026-00123 for order 10042')).toEqual([
      ['invoice_id', 'INV-2026-00123', 'INV-2026-00123'],
      ['order_id', '10042', '10042'],
    ]);
  });
});

describe('numbers that are not ids', () => {
  it.each([
    'my zip code is 10001',
    'I live at 10001 Main Street, ZIP 10001',
    'I ordered 2 items',
    'I want to order 12000 units',
    'my order from 2024 never came',
    'the order cost 10042.50 in total',
    'call me about my order at 5551234567',
    'please ship my order to 10001',
    'tracking number 1Z999AA10123456784',
    'the promo code 10042 did not work',
    'I placed an order, my card ends in 4242',
  ])('%j has no order id', (text) => {
    expect(ids(text)).toEqual([]);
  });
});
