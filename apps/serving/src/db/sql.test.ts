import { expect, it } from 'vitest';
import { compile, sql } from './sql.ts';

it('numbers parameters across nested fragments and never inlines values', () => {
  const where = sql`WHERE o.number = ${10042} AND o.email = ${"x'; DROP TABLE x; --"}`;
  const q = compile(sql`SELECT ${1} AS a FROM "Order" o ${where} LIMIT ${3}`);
  expect(q.text).toBe('SELECT $1 AS a FROM "Order" o WHERE o.number = $2 AND o.email = $3 LIMIT $4');
  expect(q.values).toEqual([1, 10042, "x'; DROP TABLE x; --", 3]);
});
