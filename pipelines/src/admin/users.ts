import { AppError } from '@acsa/core/errors';
import type { PrismaClient, Role, TransactionClient } from '@acsa/db';
import { z } from 'zod';
import { hashPassword } from '../access/password.ts';
import type { TActor } from '../access/roles.ts';
import { failedSignIns, heldAddresses, SIGN_IN_UNLOCK } from '../access/sign-in-guard.ts';
import type { TAnyActor } from '../audit/audit-actor.ts';
import { audited } from '../audit/audited.ts';
import { handBackAllHeldBy } from '../escalations/escalation-actions.ts';
import { followLabellerChange, isLabeller, type TFollowOptions } from '../review/labeller-changes.ts';

const PUBLIC = { id: true, email: true, name: true, role: true, createdAt: true, disabledAt: true } as const;

/**
 * Console users, admins first, with when each last signed in and their failed sign-ins still counted by the
 * limits (access/sign-in-guard.ts), the latest of them.
 */
export async function listUsers(prisma: PrismaClient) {
  const [users, failures] = await Promise.all([
    prisma.user.findMany({
      orderBy: [{ role: 'desc' }, { email: 'asc' }],
      select: {
        ...PUBLIC,
        sessions: { orderBy: { createdAt: 'desc' }, take: 1, select: { createdAt: true } },
      },
    }),
    failedSignIns(prisma),
  ]);
  return users.map(({ sessions, ...u }) => ({
    ...u,
    lastSignIn: sessions[0]?.createdAt ?? null,
    failedSignIns: failures.get(u.id)?.failures ?? 0,
    lastFailedSignIn: failures.get(u.id)?.last ?? null,
  }));
}

/**
 * Clears a user's failed sign-ins, so the limits hold them no longer (a colleague who mistyped their way into
 * a 15-minute hold), from the addresses those failures came from too, though those stay held for other emails
 * (access/sign-in-guard.ts says why). With `address`, one held for other people's failures (an office behind
 * one NAT), the user passes that address's hold too, for the same window. The audit entry is what the limits
 * read: attempts before it stop counting against the user, and `failedFrom` and `passesHold` name the
 * addresses whose hold they may pass.
 */
export async function clearSignInFailures(
  prisma: PrismaClient,
  actor: TActor,
  input: { userId: string; address?: string | undefined },
) {
  return audited(prisma, actor, async (tx) => {
    const user = await tx.user.findUnique({ where: { id: input.userId }, select: { email: true } });
    if (!user) throw new AppError('NOT_FOUND', 'no such user');
    const failed = (await failedSignIns(tx, [input.userId])).get(input.userId);
    const address = input.address?.trim();
    if (address && !(await heldAddresses(tx)).some((h) => h.address === address))
      throw new AppError('CONFLICT', `${address} is not held: anyone can sign in from there`, {
        field: 'address',
      });
    if (!failed && !address) throw new AppError('CONFLICT', `${user.email} has no failed sign-ins to clear`);
    const failures = failed?.failures ?? 0;
    return {
      result: { cleared: failures },
      audit: {
        action: SIGN_IN_UNLOCK,
        targetType: 'User',
        targetId: input.userId,
        before: { email: user.email, failedSignIns: failures, failedFrom: failed?.addresses ?? [] },
        after: { email: user.email, failedSignIns: 0, ...(address ? { passesHold: [address] } : {}) },
      },
    };
  });
}

/**
 * Refuses a change that would leave the console with no admin able to sign in. The active admins' rows
 * are locked first (in id order, so two such changes never deadlock): two admins removing each other at
 * once are serialised, and the second counts after the first's change commits and is refused. Without
 * the lock both count the other as still active (audited() runs at Read Committed) and none is left.
 */
async function keepAnAdmin(tx: TransactionClient, userId: string) {
  await tx.$queryRaw`
    SELECT id FROM "User" WHERE role = 'ADMIN' AND "disabledAt" IS NULL ORDER BY id FOR UPDATE`;
  const others = await tx.user.count({ where: { role: 'ADMIN', disabledAt: null, id: { not: userId } } });
  if (others === 0) throw new AppError('CONFLICT', 'this is the last active admin: make another admin first');
}

type TUserChangeOptions = { review?: TFollowOptions };

/**
 * Whether the user is a labeller now, read in the change's transaction. The review inbox follows the change
 * only after it commits (review/labeller-changes.ts), in batches of its own: a user change commits whatever
 * the size of the inbox, and a batch that fails is logged and leaves the change standing.
 */
async function labellerChange(tx: TransactionClient, userId: string, wasLabeller: boolean) {
  return { userId, wasLabeller, isLabeller: await isLabeller(tx, userId) };
}

/**
 * Gives a user another role (takes effect on their next request: roles are read per request). A user who
 * becomes a labeller (a reviewer) reopens the turns closed for want of one; one who stops being one settles
 * the turns that were waiting only on them (review/labeller-changes.ts), once the change has committed:
 * the request waits for those batches, but their failure never undoes the change.
 */
export async function setUserRole(
  prisma: PrismaClient,
  actor: TActor,
  input: { userId: string; role: Role },
  options: TUserChangeOptions = {},
) {
  const { user, change } = await audited(prisma, actor, async (tx) => {
    const before = await tx.user.findUnique({ where: { id: input.userId }, select: PUBLIC });
    if (!before) throw new AppError('NOT_FOUND', 'no such user');
    if (before.role === 'ADMIN' && input.role !== 'ADMIN') await keepAnAdmin(tx, input.userId);
    const wasLabeller = await isLabeller(tx, input.userId);
    const after = await tx.user.update({
      where: { id: input.userId },
      data: { role: input.role },
      select: PUBLIC,
    });
    return {
      result: { user: after, change: await labellerChange(tx, input.userId, wasLabeller) },
      audit: { action: 'user.role', targetType: 'User', targetId: input.userId, before, after },
    };
  });
  await followLabellerChange(prisma, actor, change, options.review);
  return user;
}

/**
 * Disables a user (their sessions end now, and the escalations they hold go back to the queue, since
 * nobody else may resolve them) or enables them again. Nobody disables themselves. Review turns follow as
 * for a role change: waiting only on a disabled labeller they settle; a re-enabled one reopens them.
 */
export async function setUserDisabled(
  prisma: PrismaClient,
  actor: TActor,
  input: { userId: string; disabled: boolean },
  options: TUserChangeOptions = {},
) {
  if (input.disabled && input.userId === actor.id)
    throw new AppError('CONFLICT', 'you cannot disable yourself: ask another admin');
  const { user, change } = await audited(prisma, actor, async (tx) => {
    const before = await tx.user.findUnique({ where: { id: input.userId }, select: PUBLIC });
    if (!before) throw new AppError('NOT_FOUND', 'no such user');
    if (input.disabled && before.role === 'ADMIN') await keepAnAdmin(tx, input.userId);
    const wasLabeller = await isLabeller(tx, input.userId);
    const after = await tx.user.update({
      where: { id: input.userId },
      data: { disabledAt: input.disabled ? (before.disabledAt ?? new Date()) : null },
      select: PUBLIC,
    });
    const result = { user: after, change: await labellerChange(tx, input.userId, wasLabeller) };
    if (!input.disabled)
      return {
        result,
        audit: { action: 'user.enable', targetType: 'User', targetId: input.userId, before, after },
      };
    await tx.session.deleteMany({ where: { userId: input.userId } });
    const escalationsHandedBack = await handBackAllHeldBy(tx, actor, input.userId);
    return {
      result,
      audit: {
        action: 'user.disable',
        targetType: 'User',
        targetId: input.userId,
        before,
        after: { ...after, escalationsHandedBack },
      },
    };
  });
  await followLabellerChange(prisma, actor, change, options.review);
  return user;
}

/** A console password: long enough that the sign-in limits make guessing it hopeless. */
export const ZPassword = z
  .string()
  .min(12, 'the password needs at least 12 characters')
  .max(128, 'the password may have at most 128 characters');

/** A new console user, as an admin (or `acsa users add`) gives them. */
export const ZNewUser = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email('an email address, e.g. rae@shop.example')),
  name: z.string().trim().min(1, 'a name people know them by').max(100),
  role: z.enum(['REVIEWER', 'ENGINEER', 'ADMIN']),
  password: ZPassword,
});
export type TNewUser = z.input<typeof ZNewUser>;

const UNIQUE_VIOLATION = 'P2002';

/**
 * Adds a console user who signs in with `password` (the admin passes it on; they may be given another with
 * setUserPassword). `by` is who added them: an admin in the console, or `acsa users add` (the first admin of
 * a new installation). The audit entry holds the user, never the password. A new reviewer reopens the turns
 * closed for want of a labeller (review/labeller-changes.ts).
 */
export async function addUser(
  prisma: PrismaClient,
  by: TAnyActor,
  raw: TNewUser,
  options: TUserChangeOptions = {},
) {
  const input = ZNewUser.parse(raw);
  const password = await hashPassword(input.password);
  const { user, change } = await audited(prisma, by, async (tx) => {
    const user = await tx.user
      .create({ data: { email: input.email, name: input.name, role: input.role }, select: PUBLIC })
      .catch((e: unknown) => {
        if ((e as { code?: string }).code === UNIQUE_VIOLATION)
          throw new AppError('CONFLICT', `${input.email} is a user already`, { field: 'email' });
        throw e;
      });
    await tx.account.create({
      data: { providerId: 'credential', accountId: user.id, userId: user.id, password },
    });
    return {
      result: { user, change: await labellerChange(tx, user.id, false) },
      audit: {
        action: 'user.add',
        targetType: 'User',
        targetId: user.id,
        before: null,
        after: { email: user.email, name: user.name, role: user.role },
      },
    };
  });
  await followLabellerChange(prisma, by, change, options.review);
  return user;
}

/**
 * Gives a user a new password (one who forgot theirs; one whose password may have leaked): their sessions
 * end at once, so whoever held the old one is signed out too. Audited without the password.
 */
export async function setUserPassword(
  prisma: PrismaClient,
  actor: TActor,
  raw: { userId: string; password: string },
) {
  const password = await hashPassword(ZPassword.parse(raw.password));
  return audited(prisma, actor, async (tx) => {
    const user = await tx.user.findUnique({ where: { id: raw.userId }, select: PUBLIC });
    if (!user) throw new AppError('NOT_FOUND', 'no such user');
    await tx.account.upsert({
      where: { providerId_accountId: { providerId: 'credential', accountId: user.id } },
      create: { providerId: 'credential', accountId: user.id, userId: user.id, password },
      update: { password },
    });
    const { count: sessionsEnded } = await tx.session.deleteMany({ where: { userId: user.id } });
    return {
      result: { sessionsEnded },
      audit: {
        action: 'user.password',
        targetType: 'User',
        targetId: user.id,
        before: { email: user.email },
        after: { email: user.email, sessionsEnded },
      },
    };
  });
}
