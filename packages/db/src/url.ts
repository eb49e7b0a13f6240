/** The database name a PostgreSQL connection URL points at. */
export function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!name) throw new Error(`the database URL names no database: ${redactUrl(url)}`);
  return name;
}

/** The same server and credentials, another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/** The URL with its password replaced, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<invalid URL>';
  }
}

/**
 * `text` with the password of each URL replaced, as the URL writes it and as decoded (a driver may echo
 * either; one with a bare `%` does not decode and is taken as written): for public answers and messages.
 */
export function withoutPasswords(text: string, urls: string[]): string {
  let out = text;
  for (const url of urls) {
    const raw = URL.canParse(url) ? new URL(url).password : '';
    if (!raw) continue;
    let decoded = raw;
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      // Not percent-encoding: the password is as written.
    }
    for (const p of new Set([raw, decoded])) out = out.replaceAll(p, '***');
  }
  return out;
}

/** Quotes an SQL identifier (database names cannot be bound as parameters). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
