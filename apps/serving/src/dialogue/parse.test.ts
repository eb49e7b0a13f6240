import { describe, expect, it } from 'vitest';
import { emailIn, invoiceIn, orderNumberIn, slotsFromEntities, yesNo } from './parse.ts';

describe('reading answers', () => {
  it('reads yes and no, letting a no win', () => {
    expect(['yes', 'Yes please', 'sure, go ahead', 'ok', 'yep do it'].map(yesNo)).toEqual(
      Array(5).fill('yes'),
    );
    expect(["no, don't cancel", 'No', 'nope', 'wait', 'never mind', 'keep it'].map(yesNo)).toEqual(
      Array(6).fill('no'),
    );
    expect(yesNo('what colour is it')).toBeNull();
  });

  it('reads a bare order number, but not the digits of an email or an invoice', () => {
    expect(orderNumberIn("it's 10042")).toBe(10042);
    expect(orderNumberIn('#10042 please')).toBe(10042);
    expect(orderNumberIn('jo10042@mail.com')).toBeUndefined();
    expect(orderNumberIn('INV-2026-00041')).toBeUndefined();
    expect(orderNumberIn('no idea')).toBeUndefined();
  });

  it('reads emails and invoice numbers, and slots from entities', () => {
    expect(emailIn('it is Alex.Morgan@Example.com thanks')).toBe('alex.morgan@example.com');
    expect(invoiceIn('invoice inv-2026-00041?')).toBe('INV-2026-00041');
    expect(
      slotsFromEntities([
        { type: 'order_id', value: '#10042', start: 0, end: 6 },
        { type: 'email', value: 'A@B.co', start: 7, end: 13 },
        { type: 'product', value: 'Desk Lamp', start: 14, end: 23 },
        { type: 'amount', value: '49.99 USD', start: 24, end: 30 },
      ]),
    ).toEqual({ orderNumber: 10042, email: 'a@b.co', product: 'Desk Lamp' });
  });
});
