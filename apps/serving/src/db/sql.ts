import type pg from 'pg';

/** A piece of SQL with its parameters; fragments nest, and are numbered $1…$n when run. */
export type TSql = {
  readonly strings: readonly string[];
  readonly values: readonly unknown[];
  readonly __sql: true;
};

const isSql = (v: unknown): v is TSql => typeof v === 'object' && v !== null && (v as TSql).__sql === true;

/** Tagged template: `sql\`SELECT … WHERE id = ${id}\`` — values become parameters, never SQL text. */
export function sql(strings: TemplateStringsArray | readonly string[], ...values: unknown[]): TSql {
  return { strings: [...strings], values, __sql: true };
}

export function compile(q: TSql): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const walk = (f: TSql): string => {
    let text = f.strings[0] ?? '';
    f.values.forEach((v, i) => {
      if (isSql(v)) text += walk(v);
      else {
        values.push(v);
        text += `$${values.length}`;
      }
      text += f.strings[i + 1] ?? '';
    });
    return text;
  };
  return { text: walk(q), values };
}

/**
 * The serving hot path talks to PostgreSQL through `pg` directly: Prisma's client costs about 100 MB per
 * process and half a millisecond per raw query, and serving runs one process per core.
 */
export type TDb = { query<T>(q: TSql): Promise<T[]>; pool: pg.Pool };

export function createDb(pool: pg.Pool): TDb {
  return {
    pool,
    async query<T>(q: TSql): Promise<T[]> {
      const { text, values } = compile(q);
      return (await pool.query(text, values)).rows as T[];
    },
  };
}
