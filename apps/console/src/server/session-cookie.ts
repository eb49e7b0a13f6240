/** The session cookie: httpOnly (no script reads it), SameSite=Lax (no cross-site POST carries it). */
export const SESSION_COOKIE = 'acsa_session';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/;

/**
 * Secure in production, except on a loopback address: `npm start` serves plain http on 127.0.0.1, where some
 * browsers drop Secure cookies; anywhere else the console must be behind https.
 */
export const sessionCookieOptions = (expires: Date, opts: { production: boolean; host: string | null }) => ({
  httpOnly: true,
  sameSite: 'lax' as const,
  secure: opts.production && !LOOPBACK.test(opts.host ?? ''),
  path: '/',
  expires,
});

/** The session token in a Cookie header (the tRPC handler reads the request, not next/headers). */
export function sessionTokenFrom(cookieHeader: string | null): string | undefined {
  for (const part of cookieHeader?.split(';') ?? []) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return decodeURIComponent(value.join('='));
  }
  return undefined;
}
