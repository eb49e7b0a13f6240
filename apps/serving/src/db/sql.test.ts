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

  it('a read whose statement a migration outdated is answered, and its text runs unnamed after', async () => {
    // A pool of its own: the failed statement must not cost the other tests' connection.
    const own = new pg.Pool({ connectionString: database.url, max: 1 });
    try {
      await own.query('CREATE TABLE migrating (id int PRIMARY KEY, v int)');
      await own.query('INSERT INTO migrating VALUES (1, 42)');
      const db = createDb(own);
      const read = () => db.query<{ v: unknown }>(sql`SELECT v FROM migrating WHERE id = ${1}`);
      expect(await read()).toEqual([{ v: 42 }]);
      // What a migration run while serving answers does: the column's type changes under the statement.
      await own.query('ALTER TABLE migrating ALTER COLUMN v TYPE text');
      expect(await read()).toEqual([{ v: '42' }]);
      expect(await read()).toEqual([{ v: '42' }]);
      const left = await own.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement LIKE '%FROM migrating%'",
      );
      expect(left.rows[0]?.n).toBe(0);
    } finally {
      await own.end();
    }
  });

  it('past its limit of named texts a query still answers, unnamed, and prepares nothing more', async () => {
    const db = createDb(pool);
    for (let i = 0; i < 80; i++)
      expect(await db.query<{ n: number }>(sql`SELECT ${i}::int AS ${sql([`n /* ${i} */`])}`)).toEqual([
        { n: i },
      ]);
    // 64 names in all, one of them taken by the migration test's text on its own pool.
    expect((await prepared()).length).toBe(63);
  });
});
