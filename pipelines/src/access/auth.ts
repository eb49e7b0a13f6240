import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from '@acsa/core/logger';
import type { PrismaClient, Role } from '@acsa/db';
import { APIError, type BetterAuthPlugin, betterAuth } from 'better-auth';
import { prismaAdapter } from 'better-auth/adapters/prisma';
import { hashPassword, verifyPassword } from './password.ts';
import type { TActor } from './roles.ts';

/**
 * The client's address as the sign-in limits resolved it (sign-in-guard.ts), for the sign-in's audit row: an
 * address the account signed in from is exempt from the all-addresses limit, so it must be the one the
 * successful check came from, never one the client wrote.
 */
export const signInAddress = new AsyncLocalStorage<string | null>();

/** Sessions last a working week; each use within its last day extends it. */
export const SESSION_TTL_MS = 7 * 24 * 3600_000;

export type TSessionUser = TActor & { name: string };

export type TAuthOptions = {
  /** Signs the session cookie (AUTH_SECRET); at least 32 characters. */
  secret: string;
  /** The console's public URL: its scheme decides whether cookies are Secure. */
  baseURL: string;
  /** The framework's cookie bridge (the console passes better-auth's nextCookies()). */
  plugins?: BetterAuthPlugin[];
  /** Where better-auth's own lines go (refused sign-ins at warn); none: silent. */
  logger?: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
};

/**
 * The console's sign-in, on better-auth with its Prisma adapter: email + password only (no sign-up: users
 * are made by the seed or an admin), sessions in PostgreSQL (Session, its token signed in an httpOnly
 * cookie), passwords as scrypt hashes in the user's credential Account. A disabled user cannot start a
 * session, and one they hold is no session. Every sign-in is in the audit log.
 */
export function createAuth(prisma: PrismaClient, o: TAuthOptions) {
  const secure = o.baseURL.startsWith('https://');
  return betterAuth({
    appName: 'ACSA console',
    baseURL: o.baseURL,
    secret: o.secret,
    database: prismaAdapter(prisma, { provider: 'postgresql' }),
    telemetry: { enabled: false },
    logger: {
      disabled: !o.logger,
      level: 'warn',
      log: (level, message) => o.logger?.[level]({ component: 'better-auth' }, message),
    },
    emailAndPassword: {
      enabled: true,
      disableSignUp: true,
      password: {
        hash: hashPassword,
        verify: ({ hash, password }) => verifyPassword(hash, password),
      },
    },
    session: { expiresIn: SESSION_TTL_MS / 1000, updateAge: 24 * 3600 },
    user: {
      additionalFields: {
        role: { type: 'string', required: true, input: false },
        disabledAt: { type: 'date', required: false, input: false },
      },
    },
    advanced: {
      cookiePrefix: 'acsa',
      useSecureCookies: secure,
      database: { generateId: 'uuid' },
    },
    databaseHooks: {
      session: {
        create: {
          before: async (session) => {
            const user = await prisma.user.findUnique({
              where: { id: session.userId },
              select: { disabledAt: true },
            });
            return user && !user.disabledAt ? undefined : false;
          },
          after: async (session) => {
            const user = await prisma.user.findUniqueOrThrow({ where: { id: session.userId } });
            await prisma.auditLog.create({
              data: {
                actorType: 'USER',
                actorId: user.id,
                actor: user.email,
                action: 'auth.sign-in',
                targetType: 'User',
                targetId: user.id,
                data: { address: signInAddress.getStore() ?? null },
              },
            });
          },
        },
      },
    },
    plugins: o.plugins ?? [],
  });
}

export type TAuth = ReturnType<typeof createAuth>;

const asSessionUser = (u: Record<string, unknown>): TSessionUser | null =>
  u.disabledAt
    ? null
    : { id: String(u.id), email: String(u.email), name: String(u.name), role: u.role as Role };

/**
 * Email + password sign-in. Unknown email, wrong password and disabled user all answer null, the same, so
 * sign-in does not tell which accounts exist. `headers` carries the request's (for the address and user
 * agent kept on the session); the answer's headers set the session cookie.
 */
export async function signIn(
  auth: TAuth,
  input: { email: string; password: string; headers?: Headers },
): Promise<{ user: TSessionUser; headers: Headers } | null> {
  try {
    const { headers, response } = await auth.api.signInEmail({
      body: { email: input.email.trim().toLowerCase(), password: input.password },
      headers: input.headers ?? new Headers(),
      returnHeaders: true,
    });
    const user = asSessionUser(response.user as Record<string, unknown>);
    return user ? { user, headers } : null;
  } catch (e) {
    if (e instanceof APIError) return null;
    throw e;
  }
}

/** The signed-in user of a request's cookies, or null when none, expired, or the user is disabled. */
export async function sessionUser(auth: TAuth, headers: Headers): Promise<TSessionUser | null> {
  const session = await auth.api.getSession({ headers });
  return session ? asSessionUser(session.user as Record<string, unknown>) : null;
}

/** Ends the request's session (sign-out), audited; no session is not an error. Answers cookie-clearing headers. */
export async function signOut(auth: TAuth, prisma: PrismaClient, headers: Headers): Promise<Headers | null> {
  const session = await auth.api.getSession({ headers });
  if (!session) return null;
  const out = await auth.api.signOut({ headers, returnHeaders: true });
  await prisma.auditLog.create({
    data: {
      actorType: 'USER',
      actorId: session.user.id,
      actor: session.user.email,
      action: 'auth.sign-out',
      targetType: 'User',
      targetId: session.user.id,
    },
  });
  return out.headers;
}
