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

/** Names of the statements prepared on their own (see createDb); a traced statement is summarised by its text. */
export const AUTO_STATEMENT_PREFIX = 'acsa-auto-';
/**
 * At most this many texts get a name, per process: the rest run unnamed. Well under PgBouncer's
 * max_prepared_statements (deploy/k8s/base/pgbouncer.ini), and a query built with a varying number of
 * parameters cannot fill a connection with statements.
 */
const MAX_NAMED = 64;
/** Each text's name; null for a text that runs unnamed from now on (see createDb). */
const names = new Map<string, string | null>();

function nameOf(text: string): string | undefined {
  let name = names.get(text);
  if (name === undefined && names.size < MAX_NAMED) {
    name = `${AUTO_STATEMENT_PREFIX}${names.size + 1}`;
    names.set(text, name);
  }
  return name ?? undefined;
}

/**
 * "cached plan must not change result type": a migration changed the type of a column a prepared statement
 * returns. Straight to PostgreSQL the pool drops that connection and the next one prepares afresh, but behind
 * PgBouncer the statement stays prepared on its server connections until they are recycled (an hour).
 */
const PLAN_CHANGED = '0A000';

/**
 * Every statement runs as a named (prepared) one, parsed and planned once per connection rather than on
 * every turn: the order view's query alone is a dozen subqueries.
 * Names are per process, one per text, so no two texts share one on any connection. A statement a
 * migration has outdated is answered unnamed instead of failing the turn.
 */
export function createDb(pool: pg.Pool): TDb {
  return {
    pool,
    async query<T>(q: TSql): Promise<T[]> {
      const { text, values } = compile(q);
      const name = nameOf(text);
      if (!name) return (await pool.query(text, values)).rows as T[];
      try {
        return (await pool.query({ name, text, values })).rows as T[];
      } catch (e) {
        if ((e as { code?: string }).code !== PLAN_CHANGED) throw e;
        // The read is answered unnamed, and so is this text from now on in this process (names are never
        // reused, so no connection holding the old statement meets the name again for another text).
        names.set(text, null);
        return (await pool.query(text, values)).rows as T[];
      }
    },
  };
}
