import { type NextRequest, NextResponse } from 'next/server';
import { PATH_HEADER } from './server/next-path';

/**
 * Tells the page which path was asked for (a server component cannot read its own URL), so that a signed-out
 * visitor is sent to sign in and then on to the page they wanted (requireRole). Set here on every page
 * request, so a client cannot choose it.
 */
export function proxy(request: NextRequest) {
  const headers = new Headers(request.headers);
  headers.set(PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  return NextResponse.next({ request: { headers } });
}

// Pages only: not the API, Next's own files, or the sign-in page itself.
export const config = { matcher: ['/((?!api/|_next/|sign-in|favicon\\.ico).*)'] };
