import { createHash, randomBytes } from 'node:crypto';
import type { PrismaClient } from '@acsa/db';
import { verifyPassword } from './password.ts';
import type { TActor } from './roles.ts';

/** Sessions last a working week; each use within its last day extends it. */
export const SESSION_TTL_MS = 7 * 24 * 3600_000;
const RENEW_WITHIN_MS = 24 * 3600_000;

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

export type TSessionUser = TActor & { name: string };

/**
 * Email + password sign-in. The token (256 random bits) goes to the browser only; the database keeps its
 * sha256, so a leaked Session table cannot be replayed. Unknown email, wrong password and disabled user all
 * answer null, the same, so sign-in does not tell which accounts exist. Audited as `auth.sign-in`.
 */
export async function signIn(
  prisma: PrismaClient,
  input: { email: string; password: string; ip?: string | null; userAgent?: string | null },
): Promise<{ token: string; expiresAt: Date; user: TSessionUser } | null> {
  const user = await prisma.user.findUnique({ where: { email: input.email.trim().toLowerCase() } });
  const ok = await verifyPassword(user?.passwordHash ?? null, input.password);
  if (!user || !ok || user.disabledAt) return null;
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await prisma.$transaction([
    prisma.session.create({
      data: {
        tokenHash: tokenHash(token),
        userId: user.id,
        expiresAt,
        ip: input.ip ?? null,
        userAgent: input.userAgent?.slice(0, 300) ?? null,
      },
    }),
    prisma.auditLog.create({
      data: {
        actorType: 'USER',
        actorId: user.id,
        actor: user.email,
        action: 'auth.sign-in',
        targetType: 'User',
        targetId: user.id,
      },
    }),
  ]);
  return { token, expiresAt, user: { id: user.id, email: user.email, name: user.name, role: user.role } };
}

/** The signed-in user of a session token, or null when it is unknown, expired or the user is disabled. */
export async function sessionUser(
  prisma: PrismaClient,
  token: string | undefined,
): Promise<TSessionUser | null> {
  if (!token) return null;
  const session = await prisma.session.findUnique({
    where: { tokenHash: tokenHash(token) },
    select: {
      id: true,
      expiresAt: true,
      user: { select: { id: true, email: true, name: true, role: true, disabledAt: true } },
    },
  });
  if (!session || session.expiresAt.getTime() <= Date.now() || session.user.disabledAt) return null;
  if (session.expiresAt.getTime() - Date.now() < RENEW_WITHIN_MS)
    await prisma.session.update({
      where: { id: session.id },
      data: { expiresAt: new Date(Date.now() + SESSION_TTL_MS) },
    });
  const { disabledAt: _, ...user } = session.user;
  return user;
}

/** Ends the session of this token (sign-out); a token already gone is not an error. */
export async function signOut(prisma: PrismaClient, token: string | undefined): Promise<void> {
  if (!token) return;
  const session = await prisma.session.findUnique({
    where: { tokenHash: tokenHash(token) },
    select: { id: true, user: { select: { id: true, email: true } } },
  });
  if (!session) return;
  await prisma.$transaction([
    prisma.session.delete({ where: { id: session.id } }),
    prisma.auditLog.create({
      data: {
        actorType: 'USER',
        actorId: session.user.id,
        actor: session.user.email,
        action: 'auth.sign-out',
        targetType: 'User',
        targetId: session.user.id,
      },
    }),
  ]);
}
