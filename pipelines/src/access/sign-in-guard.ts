import { Prisma, type PrismaClient, sqlStateOf, type TransactionClient } from '@acsa/db';
import { SIGN_IN_ATTEMPT } from './audit-actions.ts';
import { signIn, signInAddress, type TAuth, type TSessionUser } from './auth.ts';

/**
 * Password guessing is capped: better-auth's own rate limit guards only its HTTP handler, and the console calls
 * its API from a server action. Every password check is an audit row (`auth.sign-in-attempt`, with the
 * address), written before the check under advisory locks on the email and the address, so a burst of
 * concurrent guesses cannot all pass a count taken before any of them; an attempt no sign-in of its email
 * (`auth.sign-in`, from the session hook) followed is a failure. The limits count failures in a 15-minute
 * window, in PostgreSQL alone, so they hold across console replicas and restarts:
 * - one email from one address: 5. Guessing from elsewhere cannot lock the owner out of their own address;
 * - one address, whatever the emails: 30 (one password tried on many accounts);
 * - one email from everywhere: 50, except from an address the account signed in from in the last 30 days, so
 *   guessing spread over many addresses is bounded and the owner still gets in from where they work.
 * A sign-in clears its email's failures before it. An admin's unlock (`clearSignInFailures`, audited as
 * `auth.sign-in-unlock`), for a colleague who mistyped their way into a hold, clears that user's failures from
 * their own limits and lets them past the hold of each address those failures came from, for a window; it
 * leaves those failures in the addresses' counts, which hold every other email there. An unlock that took them
 * off would hand whoever is guessing from that address as many fresh guesses at other accounts, and the room it
 * made would be taken at once, leaving the unlocked user held all the same. An address can also be held by
 * other people's failures alone (an office behind one NAT, one of its machines guessing): the admin sees it
 * (`heldAddresses`) and lets a named colleague past that address's hold the same way (`after.passesHold`).
 */
export const SIGN_IN_LIMITS = {
  perEmailAndAddress: 5,
  perAddress: 30,
  perEmail: 50,
  windowMs: 15 * 60_000,
  /** An address the account signed in from this recently is exempt from the all-addresses limit. */
  knownAddressMs: 30 * 24 * 3600_000,
} as const;

export type TSignInOutcome =
  | { ok: true; user: TSessionUser; headers: Headers }
  | { ok: false; reason: 'refused' }
  | { ok: false; reason: 'throttled'; retryAfterS: number }
  /** Too many sign-ins for this email or address at this moment: the count could not be taken in time. */
  | { ok: false; reason: 'busy' };

/**
 * The client's address: X-Forwarded-For's entry `proxyHops` from the right, which the nearest trusted proxy
 * wrote (behind none, Next.js writes the socket's address when the client sent no header). Entries further
 * left are whatever the client claimed, and are never taken. A console reached with no proxy in front keeps a
 * header the client sent, so there the per-address limits bind honest clients only: run it behind one.
 */
export function clientAddress(headers: Headers, proxyHops = 1): string | null {
  const entries = (headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  return entries[entries.length - Math.max(1, proxyHops)] ?? entries[0] ?? null;
}

/**
 * An admin cleared a user's failed sign-ins: the attempts before it no longer count against that user, and
 * `data.before.failedFrom` lists the addresses whose hold no longer applies to them.
 */
export const SIGN_IN_UNLOCK = 'auth.sign-in-unlock';

/** Whether no sign-in of the email of an attempt (`a`, with actor) came after it inside the window. */
const noSignInAfter = (since: Date) => Prisma.sql`
  NOT EXISTS (SELECT 1 FROM "AuditLog" s
    WHERE s.action = 'auth.sign-in' AND s.at >= a.at AND s.at > ${since} AND lower(s.actor) = a.actor)`;

/** Whether an admin's unlock of the user of an attempt (`a`, with "targetId") came after it inside the window. */
const unlockedAfter = (since: Date) => Prisma.sql`
  EXISTS (SELECT 1 FROM "AuditLog" u
    WHERE u.action = ${SIGN_IN_UNLOCK} AND u.at >= a.at AND u.at > ${since} AND u."targetId" = a."targetId")`;

/** Whether an attempt (`a`) counts against its user: neither their sign-in nor an unlock came after it. */
const notCleared = (since: Date) => Prisma.sql`${noSignInAfter(since)} AND NOT ${unlockedAfter(since)}`;

/**
 * Each user's failed sign-ins still counted (inside the window, from every address), the latest, and the
 * addresses they came from: what an admin sees beside a user who may be held. Users with none are absent.
 */
export async function failedSignIns(
  db: PrismaClient | TransactionClient,
  userIds?: readonly string[],
): Promise<Map<string, { failures: number; last: Date; addresses: string[] }>> {
  const since = new Date(Date.now() - SIGN_IN_LIMITS.windowMs);
  const rows = await db.$queryRaw<{ userId: string; failures: number; last: Date; addresses: string[] }[]>`
    SELECT a."targetId" AS "userId", count(*)::int AS failures, max(a.at) AS last,
           coalesce(array_agg(DISTINCT a.data->>'address') FILTER (WHERE a.data->>'address' IS NOT NULL),
                    '{}') AS addresses
    FROM "AuditLog" a
    WHERE a.action = ${SIGN_IN_ATTEMPT} AND a.at > ${since} AND a."targetId" IS NOT NULL
      ${userIds ? Prisma.sql`AND a."targetId" = ANY(${[...userIds]})` : Prisma.empty}
      AND ${notCleared(since)}
    GROUP BY a."targetId"`;
  return new Map(rows.map((r) => [r.userId, { failures: r.failures, last: r.last, addresses: r.addresses }]));
}

/**
 * The addresses held now for failures of every email from them (the per-address limit): how many, for how
 * many emails, and when the hold lifts. Everyone signing in from one is held, the admin's colleagues too.
 */
export async function heldAddresses(
  db: PrismaClient | TransactionClient,
): Promise<{ address: string; failures: number; emails: number; liftsAt: Date }[]> {
  const since = new Date(Date.now() - SIGN_IN_LIMITS.windowMs);
  // The hold lifts when the window no longer holds the limit's worth: as the (failures − limit + 1)-th oldest ages out.
  const rows = await db.$queryRaw<{ address: string; failures: number; emails: number; oldest: Date }[]>`
    SELECT a.data->>'address' AS address, count(*)::int AS failures, count(DISTINCT a.actor)::int AS emails,
           (array_agg(a.at ORDER BY a.at))[count(*) - ${SIGN_IN_LIMITS.perAddress} + 1] AS oldest
    FROM "AuditLog" a
    WHERE a.action = ${SIGN_IN_ATTEMPT} AND a.at > ${since} AND a.data->>'address' IS NOT NULL AND ${noSignInAfter(since)}
    GROUP BY 1 HAVING count(*) >= ${SIGN_IN_LIMITS.perAddress}
    ORDER BY 2 DESC`;
  return rows.map((r) => ({
    address: r.address,
    failures: r.failures,
    emails: r.emails,
    liftsAt: new Date(r.oldest.getTime() + SIGN_IN_LIMITS.windowMs),
  }));
}

/** Email + password sign-in under the limits above. Unknown, wrong and disabled are refused alike. */
export async function signInGuarded(
  auth: TAuth,
  prisma: PrismaClient,
  input: { email: string; password: string; headers?: Headers; proxyHops?: number },
): Promise<TSignInOutcome> {
  const email = input.email.trim().toLowerCase().slice(0, 200);
  const address = input.headers
    ? (clientAddress(input.headers, input.proxyHops)?.slice(0, 100) ?? null)
    : null;
  let throttled: number | null;
  try {
    throttled = await prisma.$transaction(
      async (tx) => {
        // Waiting behind a burst for the same email or address is bounded: past it, "busy", unchecked.
        await tx.$executeRaw`SET LOCAL lock_timeout = '4s'`;
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`sign-in:${email}`}, 0))`;
        if (address)
          await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`sign-in@${address}`}, 0))`;
        const now = Date.now();
        const since = new Date(now - SIGN_IN_LIMITS.windowMs);
        const user = await tx.user.findUnique({ where: { email }, select: { id: true } });
        // Only this email's and this address's attempts are read; the oldest counted says when a limit lifts.
        // An unlock takes its user's attempts off this email's counts only (see the top of this file).
        const [c] = await tx.$queryRaw<
          {
            pair: number;
            pairOldest: Date | null;
            byEmail: number;
            emailOldest: Date | null;
            byAddress: number;
            addressOldest: Date | null;
            unlockedHere: boolean;
          }[]
        >`
          WITH a AS (
            SELECT actor, "targetId", data->>'address' AS address, at FROM "AuditLog"
            WHERE action = ${SIGN_IN_ATTEMPT} AND at > ${since} AND (actor = ${email} OR data->>'address' = ${address})
          ), failed AS (
            SELECT *, ${unlockedAfter(since)} AS unlocked FROM a WHERE ${noSignInAfter(since)}
          )
          SELECT count(*) FILTER (WHERE actor = ${email} AND address = ${address} AND NOT unlocked)::int AS pair,
                 min(at) FILTER (WHERE actor = ${email} AND address = ${address} AND NOT unlocked) AS "pairOldest",
                 count(*) FILTER (WHERE actor = ${email} AND NOT unlocked)::int AS "byEmail",
                 min(at) FILTER (WHERE actor = ${email} AND NOT unlocked) AS "emailOldest",
                 count(*) FILTER (WHERE address = ${address})::int AS "byAddress",
                 min(at) FILTER (WHERE address = ${address}) AS "addressOldest",
                 EXISTS (SELECT 1 FROM "AuditLog" u
                   WHERE u.action = ${SIGN_IN_UNLOCK} AND u.at > ${since} AND u."targetId" = ${user?.id ?? null}
                     AND (u.data->'before'->'failedFrom' @> jsonb_build_array(${address}::text)
                       OR u.data->'after'->'passesHold' @> jsonb_build_array(${address}::text))) AS "unlockedHere"
          FROM failed`;
        const lifts = (oldest: Date | null | undefined) =>
          Math.max(1, Math.ceil(((oldest?.getTime() ?? now) + SIGN_IN_LIMITS.windowMs - now) / 1000));
        if (!c) return null;
        if (address && c.pair >= SIGN_IN_LIMITS.perEmailAndAddress) return lifts(c.pairOldest);
        if (address && c.byAddress >= SIGN_IN_LIMITS.perAddress && !c.unlockedHere)
          return lifts(c.addressOldest);
        const emailLimit = address ? SIGN_IN_LIMITS.perEmail : SIGN_IN_LIMITS.perEmailAndAddress;
        if (c.byEmail >= emailLimit) {
          // Exempt: an address this account signed in from lately (its sign-in row names the address).
          const [known] = address
            ? await tx.$queryRaw<{ yes: boolean }[]>`
                SELECT EXISTS (SELECT 1 FROM "AuditLog"
                  WHERE action = 'auth.sign-in' AND at > ${new Date(now - SIGN_IN_LIMITS.knownAddressMs)}
                    AND lower(actor) = ${email} AND data->>'address' = ${address}) AS yes`
            : [];
          if (!known?.yes) return lifts(c.emailOldest);
        }
        await tx.auditLog.create({
          data: {
            actorType: 'USER',
            actorId: user?.id ?? null,
            actor: email,
            action: SIGN_IN_ATTEMPT,
            targetType: 'User',
            targetId: user?.id ?? null,
            data: { address },
          },
        });
        return null;
      },
      { maxWait: 5_000, timeout: 6_000 },
    );
  } catch (e) {
    // The lock not had in time (55P03), or no connection or transaction in time (Prisma's P2024, P2028).
    const code = (e as { code?: unknown }).code;
    if (sqlStateOf(e) === '55P03' || code === 'P2024' || code === 'P2028')
      return { ok: false, reason: 'busy' };
    throw e;
  }
  if (throttled !== null) return { ok: false, reason: 'throttled', retryAfterS: throttled };
  const session = await signInAddress.run(address, () => signIn(auth, input));
  return session ? { ok: true, ...session } : { ok: false, reason: 'refused' };
}
