import { createTestDatabase, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile, createDb, sql } from './sql.ts';

it('numbers parameters across nested fragments and never inlines values', () => {
  const where = sql`WHERE o.number = ${10042} AND o.email = ${"x'; DROP TABLE x; --"}`;
  const q = compile(sql`SELECT ${1} AS a FROM "Order" o ${where} LIMIT ${3}`);
  expect(q.text).toBe('SELECT $1 AS a FROM "Order" o WHERE o.number = $2 AND o.email = $3 LIMIT $4');
  expect(q.values).toEqual([1, 10042, "x'; DROP TABLE x; --", 3]);
});

describe('createDb against PostgreSQL', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  beforeAll(async () => {
    database = await createTestDatabase(testServiceUrls().databaseUrl);
    // One connection: every statement below meets the ones prepared before it.
    pool = new pg.Pool({ connectionString: database.url, max: 1 });
  });
  afterAll(async () => {
    await pool.end();
    await database.drop();
  });

  const prepared = async () =>
    (await pool.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements')).rows.map(
      (r) => r.statement,
    );

  it('prepares each statement once on a connection, and two dbs on one pool never share a name', async () => {
    const a = createDb(pool);
    const b = createDb(pool);
    for (let i = 0; i < 3; i++) {
      expect(await a.query<{ n: number }>(sql`SELECT ${i}::int + 1 AS n`)).toEqual([{ n: i + 1 }]);
      expect(await b.query<{ s: string }>(sql`SELECT ${`x${i}`}::text AS s`)).toEqual([{ s: `x${i}` }]);
    }
    const statements = await prepared();
    expect(statements.filter((s) => s === 'SELECT $1::int + 1 AS n')).toHaveLength(1);
    expect(statements.filter((s) => s === 'SELECT $1::text AS s')).toHaveLength(1);
  });

  it('past its limit of named texts a query still answers, unnamed, and prepares nothing more', async () => {
    const db = createDb(pool);
    for (let i = 0; i < 80; i++)
      expect(await db.query<{ n: number }>(sql`SELECT ${i}::int AS ${sql([`n /* ${i} */`])}`)).toEqual([
        { n: i },
      ]);
    expect((await prepared()).length).toBe(64);
  });
});
