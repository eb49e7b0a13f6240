import pg from 'pg';
import { databaseName, quoteIdent, redactUrl, withDatabase } from '../url.ts';

const DUPLICATE_DATABASE = '42P04';

/**
 * Creates the database `url` names when it does not exist yet (as `prisma migrate deploy` does).
 * Connects to the server's `postgres` database for that. Returns whether it was created.
 */
export async function ensureDatabase(url: string): Promise<boolean> {
  const name = databaseName(url);
  const admin = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  try {
    await admin.connect();
  } catch (e) {
    throw new Error(`cannot reach PostgreSQL at ${redactUrl(url)}: ${(e as Error).message}`, { cause: e });
  }
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
    return true;
  } catch (e) {
    // Another process created it between the check and ours.
    if ((e as { code?: string }).code === DUPLICATE_DATABASE) return false;
    throw e;
  } finally {
    await admin.end();
  }
}
