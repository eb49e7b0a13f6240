import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { databaseName, quoteIdent, withDatabase } from '../url.ts';

// Catalog types adapter-pg cannot decode (prisma/orm#27403): the schema engine reads pg_catalog columns
// of type "char" (e.g. pg_constraint.contype) while describing a database. Their text form is the
// value itself, so reporting them as text is exact.
const TEXT = 25;
const TEXT_ARRAY = 1009;
const CATALOG_OIDS_AS_TEXT = new Map<number, number>([
  [18, TEXT], // "char"
  [19, TEXT], // name
  [1003, TEXT_ARRAY], // name[]
]);

type Fields = { fields?: { dataTypeID: number }[] };

function asText<T>(result: T): T {
  for (const r of Array.isArray(result) ? result : [result]) {
    for (const f of (r as Fields | undefined)?.fields ?? []) {
      f.dataTypeID = CATALOG_OIDS_AS_TEXT.get(f.dataTypeID) ?? f.dataTypeID;
    }
  }
  return result;
}

/** A pg client that reports catalog-only column types as text (see CATALOG_OIDS_AS_TEXT). */
class CatalogSafeClient extends pg.Client {
  // pg's query() has many overloads (promise, callback, submittable); keep each one's shape.
  // biome-ignore lint/suspicious/noExplicitAny: forwarding pg's overloaded signature unchanged
  override query(config: any, values?: any, callback?: any): any {
    if (typeof values === 'function') {
      callback = values;
      values = undefined;
    }
    if (typeof callback === 'function') {
      return super.query(config, values, (err: Error | null, res: unknown) => callback(err, asText(res)));
    }
    const out = super.query(config, values);
    return out && typeof out.then === 'function' ? out.then(asText) : out;
  }
}

function migrationPool(url: string): pg.Pool {
  // One connection: the engine runs its statements one after another, and advisory locks stay on it.
  const pool = new pg.Pool({ connectionString: url, max: 2, Client: CatalogSafeClient });
  // pool.end() resolves before its sockets close, and a shadow database is dropped WITH (FORCE) right
  // after: the server's "terminating connection" then reaches the pool as 'error', which must not be
  // an uncaught exception. A failure that matters surfaces on the statement that hits it.
  pool.on('error', () => {});
  return pool;
}

/**
 * Runs a migration script the way the native schema engine does: the whole script in one simple-query
 * round trip (so function bodies with `;` inside survive, and the script is one implicit transaction).
 * adapter-pg's own executeScript splits on every `;`, which breaks `$$ … $$` bodies.
 */
function wholeScript(adapter: SqlDriverAdapter, pool: pg.Pool): SqlDriverAdapter {
  const onError = (adapter as unknown as { onError(e: unknown): never }).onError.bind(adapter);
  adapter.executeScript = async (script: string) => {
    try {
      await pool.query(script);
    } catch (e) {
      onError(e);
    }
  };
  return adapter;
}

async function adminExec(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * The driver adapter factory handed to the WebAssembly schema engine: adapter-pg with the fixes above,
 * and a shadow database that is dropped only after its pool is closed (adapter-pg drops it while its
 * own connections are still open, which fails and leaks the database).
 */
export class MigrationPg implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'postgres' as const;
  readonly adapterName = '@prisma/adapter-pg';

  constructor(
    private readonly url: string,
    private readonly shadowPrefix = 'prisma_migrate_shadow_db_',
  ) {}

  private readonly pools = new Set<pg.Pool>();

  private pool(url: string): pg.Pool {
    const pool = migrationPool(url);
    this.pools.add(pool);
    return pool;
  }

  private async endPool(pool: pg.Pool): Promise<void> {
    if (!this.pools.delete(pool)) return;
    await pool.end();
  }

  async connect(): Promise<SqlDriverAdapter> {
    const pool = this.pool(this.url);
    const adapter = wholeScript(await new PrismaPg(pool).connect(), pool);
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      await this.endPool(pool);
    };
    return adapter;
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const shadow = `${this.shadowPrefix}${crypto.randomUUID().replaceAll('-', '')}`;
    await adminExec(this.url, `CREATE DATABASE ${quoteIdent(shadow)}`);
    const pool = this.pool(withDatabase(this.url, shadow));
    this.shadows.set(shadow, pool);
    const adapter = wholeScript(await new PrismaPg(pool).connect(), pool);
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      await this.dropShadow(shadow);
    };
    return adapter;
  }

  private readonly shadows = new Map<string, pg.Pool>();

  private async dropShadow(shadow: string): Promise<void> {
    const pool = this.shadows.get(shadow);
    if (!pool) return;
    this.shadows.delete(shadow);
    await this.endPool(pool);
    await adminExec(this.url, `DROP DATABASE IF EXISTS ${quoteIdent(shadow)} WITH (FORCE)`);
  }

  /** Ends the pools the engine did not dispose of (it keeps its main connection until freed). */
  async close(): Promise<void> {
    for (const shadow of [...this.shadows.keys()]) await this.dropShadow(shadow);
    await Promise.all([...this.pools].map((p) => this.endPool(p)));
  }

  /** The database this factory migrates, for messages. */
  get database(): string {
    return databaseName(this.url);
  }
}
