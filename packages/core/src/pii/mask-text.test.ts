import { describe, expect, it } from 'vitest';
import { maskPii } from './mask-text.ts';

const masks = (cases: string[], mask: string) => {
  for (const c of cases) expect(maskPii(`see ${c}, thanks`), c).toBe(`see ${mask}, thanks`);
};
const keeps = (cases: string[]) => {
  for (const c of cases) expect(maskPii(`see ${c}, thanks`), c).toBe(`see ${c}, thanks`);
};

describe('maskPii', () => {
  it('masks email addresses', () => {
    masks(
      ['jane.doe@example.org', 'JANE.DOE+orders@Mail.Example.co.uk', 'alex_1990@shop-mail.io'],
      '[email]',
    );
    expect(maskPii('mailto:jane@example.org')).toBe('mailto:[email]');
    keeps(['@example', 'user@localhost', 'price @ 12.50']);
  });

  it("masks a connection URL's password, whatever it holds, and keeps the rest readable", () => {
    expect(maskPii('connect failed: postgresql://acsa:s3cr@t-pw@db.internal:5432/acsa (timeout)')).toBe(
      'connect failed: postgresql://acsa:***@db.internal:5432/acsa (timeout)',
    );
    expect(maskPii('redis://:r3d1s-pw@127.0.0.1:6379/0 refused')).toBe(
      'redis://:***@127.0.0.1:6379/0 refused',
    );
    expect(maskPii('postgres://postgres@127.0.0.1:5432/acsa')).toBe(
      'postgres://postgres@127.0.0.1:5432/acsa',
    );
    expect(maskPii('see https://shop.example/help/returns, thanks')).toBe(
      'see https://shop.example/help/returns, thanks',
    );
  });

  it('masks phone numbers written internationally and in common national formats', () => {
    masks(
      [
        '+44 7700 900123',
        '+447700900123',
        '+44 (0)20 7946 0958',
        '0044 20 7946 0958',
        '+1 (555) 123-4567',
        '+33 6 12 34 56 78',
        '+49 30 1234567',
        '07700 900123',
        '07700900123',
        '06 12 34 56 78',
        '06.12.34.56.78',
        '030 1234567',
        '(555) 123-4567',
        '(555)123-4567',
        '555-123-4567',
        '555.123.4567',
        '555 123 4567',
        '1-555-123-4567',
        '555-1234',
        '5551234567',
        '7700 900123',
        '123-45-6789',
      ],
      '[phone]',
    );
  });

  it('masks a phone beside another number and leaves the number', () => {
    expect(maskPii('10042 07700 900123')).toBe('10042 [phone]');
    expect(maskPii('call +44 7700 900123 10042')).toBe('call [phone] 10042');
  });

  it('masks Luhn-valid card numbers, bare or grouped, and IBANs', () => {
    masks(
      [
        '4111 1111 1111 1111',
        '4111-1111-1111-1111',
        '4111111111111111',
        '378282246310005',
        '3782 822463 10005',
      ],
      '[card]',
    );
    expect(maskPii('5555 5555 5555 4444 12 items')).toBe('[card] 12 items');
    masks(['GB82 WEST 1234 5698 7654 32', 'DE89370400440532013000'], '[iban]');
    keeps(['4111 1111 1111 1112', 'GB82 WEST 1234 5698 7654 33', 'DE89370400440532013001']);
  });

  it('leaves order numbers, seeded tracking numbers, amounts, dates, ids and short numbers readable', () => {
    const orders = Array.from({ length: 205 }, (_, i) => String(10001 + i * 100)).concat(['20500']);
    keeps(orders);
    keeps(['10042 10043', '10042, 10043 and 10044', '#10042', 'order 20042 20043 20044']);
    // Shaped as prisma/seed/shipments.ts makes them: UPS 1Z…03…, FedEx 12 digits, DHL JD01…, USPS 9400….
    let seed = 42;
    const digits = (n: number) =>
      Array.from({ length: n }, () => {
        seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
        return String(seed % 10);
      }).join('');
    for (let i = 0; i < 300; i++)
      keeps([`1Z${digits(6)}03${digits(8)}`, digits(12), `JD01${digits(14)}`, `9400${digits(18)}`]);
    keeps(['9400123456789012345678', '9400 1234 5678 9012 3456 78', '9400 1234 0567 8901 2345 67']);
    keeps(['2024', '2019 2020 2021', '$1,299.99', '1299.99', '€12.50', '1.299.000', '1 234 567', '12 items']);
    keeps(['2026-11-26', '26.11.2026', '11/26/2026', '2026-11-26T01:00:00.000Z', '2026-11-26 01:00:00']);
    keeps(['192.168.100.200', '127.0.0.1:6379', '0190a0b0-0000-7000-8000-000000000001']);
    keeps(['01900000-0000-7000-8000-000000000001', 'INV-2026-000123', 'ELE-0412', 'v1.23.4567']);
    keeps(['1732582800123', '1732582800', '12345', '123 456', '0.5 12345', '1234 5678 9012 3456']);
  });

  it('returns short strings and strings without an @ or seven digits as they are', () => {
    for (const s of ['', 'hi', 'where is my order 10042?', 'a'.repeat(10_000)]) expect(maskPii(s)).toBe(s);
  });

  it('takes linear time on hostile input', () => {
    const started = performance.now();
    for (const s of [
      `${'a'.repeat(100_000)}@`,
      '1 '.repeat(50_000),
      '12345 '.repeat(20_000),
      '+1'.repeat(50_000),
    ])
      maskPii(s);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
