import type { PrismaClient } from '@acsa/db';
import { signIn, type TAuth, type TSessionUser } from './auth.ts';

/**
 * Password guessing is capped per email and per address: better-auth's own rate limit guards only its HTTP
 * handler, and the console calls its API from a server action. Every password check is an audit row
 * (`auth.sign-in-attempt`, with the address), written before the check, and the limits count the failed ones
 * (no sign-in of their email, `auth.sign-in` from the session hook, came after): they hold across console
 * replicas and restarts with nothing but PostgreSQL, and a sign-in clears its email's count. The count and the
 * row are taken under advisory locks on the email and the address, so a burst of concurrent guesses cannot all
 * pass a count taken before any of them. Behind no proxy Next.js reports the socket's address.
 */
export const SIGN_IN_LIMITS = {
  /** Failed checks of one email in the window, after which it is refused unchecked, the right password too. */
  perEmail: 5,
  /** Failed checks from one address in the window, whatever the emails (one password tried on many accounts). */
  perAddress: 30,
  windowMs: 15 * 60_000,
} as const;

export type TSignInOutcome =
  | { ok: true; user: TSessionUser; headers: Headers }
  | { ok: false; reason: 'refused' }
  | { ok: false; reason: 'throttled'; retryAfterS: number };

/** The client's address as the proxy in front reports it (the first X-Forwarded-For entry), if any. */
export function clientAddress(headers: Headers): string | null {
  const forwarded = headers.get('x-forwarded-for')?.split(',')[0]?.trim();
  return forwarded || headers.get('x-real-ip')?.trim() || null;
}

const ATTEMPT = 'auth.sign-in-attempt';

/** Email + password sign-in under the limits above. Unknown, wrong and disabled are refused alike. */
export async function signInGuarded(
  auth: TAuth,
  prisma: PrismaClient,
  input: { email: string; password: string; headers?: Headers },
): Promise<TSignInOutcome> {
  const email = input.email.trim().toLowerCase().slice(0, 200);
  const address = input.headers ? (clientAddress(input.headers)?.slice(0, 100) ?? null) : null;
  const throttled = await prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`sign-in:${email}`}, 0))`;
    if (address)
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`sign-in@${address}`}, 0))`;
    const now = Date.now();
    const since = new Date(now - SIGN_IN_LIMITS.windowMs);
    // Failed attempts count (those no sign-in of their email followed); the oldest says when the limit lifts.
    const [c] = await tx.$queryRaw<
      { byEmail: number; emailOldest: Date | null; byAddress: number; addressOldest: Date | null }[]
    >`
      WITH a AS (
        SELECT actor, data->>'address' AS address, at FROM "AuditLog" WHERE action = ${ATTEMPT} AND at > ${since}
      ), s AS (
        SELECT lower(actor) AS actor, at FROM "AuditLog" WHERE action = 'auth.sign-in' AND at > ${since}
      ), failed AS (
        -- An attempt its email's sign-in followed was the right password (or a typo mended).
        SELECT * FROM a WHERE NOT EXISTS (SELECT 1 FROM s WHERE s.actor = a.actor AND s.at >= a.at)
      )
      SELECT count(*) FILTER (WHERE actor = ${email})::int AS "byEmail",
             min(at) FILTER (WHERE actor = ${email}) AS "emailOldest",
             count(*) FILTER (WHERE address = ${address})::int AS "byAddress",
             min(at) FILTER (WHERE address = ${address}) AS "addressOldest"
      FROM failed`;
    const lifts = (oldest: Date | null | undefined) =>
      Math.max(1, Math.ceil(((oldest?.getTime() ?? now) + SIGN_IN_LIMITS.windowMs - now) / 1000));
    if ((c?.byEmail ?? 0) >= SIGN_IN_LIMITS.perEmail) return lifts(c?.emailOldest);
    if (address && (c?.byAddress ?? 0) >= SIGN_IN_LIMITS.perAddress) return lifts(c?.addressOldest);
    const user = await tx.user.findUnique({ where: { email }, select: { id: true } });
    await tx.auditLog.create({
      data: {
        actorType: 'USER',
        actorId: user?.id ?? null,
        actor: email,
        action: ATTEMPT,
        targetType: 'User',
        targetId: user?.id ?? null,
        data: { address },
      },
    });
    return null;
  });
  if (throttled !== null) return { ok: false, reason: 'throttled', retryAfterS: throttled };
  const session = await signIn(auth, input);
  return session ? { ok: true, ...session } : { ok: false, reason: 'refused' };
}
