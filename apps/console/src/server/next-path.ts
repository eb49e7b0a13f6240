/** The page a request asked for (path and query), set by src/proxy.ts for requireRole. */
export const PATH_HEADER = 'x-acsa-path';

/** The sign-in page, going on to `path` afterwards (home needs no mention). */
export function signInFor(path: string | null): string {
  const next = path ? sameSitePath(path) : '/';
  return next === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(next)}`;
}

/**
 * Where the sign-in form goes on to: a path of this console, or its home. Read as a browser reads it (the
 * URL standard), so that nothing a browser would take for another site passes: `//host`, `/\host` (a
 * backslash is a slash to a browser), a tab or newline inside (dropped by the parser), or an absolute URL.
 */
export function sameSitePath(next: string): string {
  const base = 'http://console.invalid';
  if (!next.startsWith('/')) return '/';
  try {
    const url = new URL(next, base);
    return url.origin === base ? `${url.pathname}${url.search}${url.hash}` : '/';
  } catch {
    return '/';
  }
}
