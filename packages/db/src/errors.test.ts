import { describe, expect, it } from 'vitest';
import { isRetryableError, sqlStateOf } from './errors.ts';

// A raw query's failure as Prisma 7 reports it through the pg driver adapter.
const rawQueryFailed = (originalCode: string) => ({
  code: 'P2010',
  meta: { driverAdapterError: { name: 'DriverAdapterError', cause: { originalCode } } },
});

describe("PostgreSQL's code behind an error", () => {
  it('is read from pg, from Prisma, and from a raw query, through wrapping causes', () => {
    expect(sqlStateOf({ code: '23505' })).toBe('23505');
    expect(sqlStateOf(rawQueryFailed('42P01'))).toBe('42P01');
    expect(sqlStateOf({ code: 'P2034', meta: { code: '40001' } })).toBe('40001');
    expect(sqlStateOf(new Error('step failed', { cause: rawQueryFailed('42501') }))).toBe('42501');
  });

  it("is none for Prisma's and Node's own codes, which look alike", () => {
    expect(sqlStateOf({ code: 'P2002' })).toBeUndefined();
    expect(sqlStateOf({ code: 'EPIPE' })).toBeUndefined();
    expect(sqlStateOf(new Error('plain'))).toBeUndefined();
  });

  it('tells a transient failure of a raw query from a lasting one', () => {
    expect(isRetryableError(rawQueryFailed('40001'))).toBe(true);
    expect(isRetryableError(rawQueryFailed('42P01'))).toBe(false);
    expect(isRetryableError({ code: 'EPIPE' })).toBe(true);
    expect(isRetryableError(new Error('step failed', { cause: rawQueryFailed('40P01') }))).toBe(true);
  });
});
