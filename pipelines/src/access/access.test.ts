import { createTestDatabase, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedAccess } from '../../../prisma/seed/access.ts';
import { clearSignInFailures, listUsers } from '../admin/users.ts';
import { createAuth, sessionUser, signIn, signOut, type TAuth } from './auth.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { hasRole } from './roles.ts';
import {
  clientAddress,
  heldAddresses,
  SIGN_IN_LIMITS,
  SIGN_IN_UNLOCK,
  signInGuarded,
} from './sign-in-guard.ts';

let db: TestDatabase;
let auth: TAuth;

/** The request headers a browser would send back: the session cookie from a sign-in's Set-Cookie. */
const cookieFrom = (headers: Headers) =>
  new Headers({
    cookie: headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; '),
  });

beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
  auth = createAuth(db.prisma, {
    secret: 'a-test-secret-of-at-least-32-characters',
    baseURL: 'http://127.0.0.1',
  });
  await seedAccess(db.prisma, { demoPassword: 'demo-pass' });
  const gone = await db.prisma.user.create({
    data: { email: 'gone@example.com', name: 'Gone', role: 'ADMIN', disabledAt: new Date() },
  });
  await db.prisma.account.create({
    data: {
      providerId: 'credential',
      accountId: gone.id,
      userId: gone.id,
      password: await hashPassword('demo-pass'),
    },
  });
});
afterAll(() => db?.drop());

describe('console sign-in (better-auth)', () => {
  it('accepts the password the seed set, and the session cookie names the user and role', async () => {
    const s = await signIn(auth, { email: ' Reviewer@Example.com ', password: 'demo-pass' });
    expect(s?.user).toMatchObject({ email: 'reviewer@example.com', role: 'REVIEWER', name: 'Rae Reviewer' });
    const cookie = cookieFrom(s!.headers);
    expect(cookie.get('cookie')).toMatch(/^acsa\.session_token=/);
    expect(await sessionUser(auth, cookie)).toMatchObject({
      email: 'reviewer@example.com',
      role: 'REVIEWER',
    });
    // The cookie's value is signed: the token stored in PostgreSQL alone opens nothing.
    const row = await db.prisma.session.findFirstOrThrow();
    expect(await sessionUser(auth, new Headers({ cookie: `acsa.session_token=${row.token}` }))).toBeNull();
    // Set-Cookie is httpOnly and SameSite=Lax.
    expect(s!.headers.getSetCookie()[0]).toMatch(/HttpOnly/i);
    expect(s!.headers.getSetCookie()[0]).toMatch(/SameSite=Lax/i);
    expect(await db.prisma.auditLog.count({ where: { action: 'auth.sign-in' } })).toBe(1);
  });

  it('refuses a wrong password, an unknown email and a disabled user alike', async () => {
    expect(await signIn(auth, { email: 'reviewer@example.com', password: 'nope' })).toBeNull();
    expect(await signIn(auth, { email: 'who@example.com', password: 'demo-pass' })).toBeNull();
    expect(await signIn(auth, { email: 'gone@example.com', password: 'demo-pass' })).toBeNull();
    expect(await db.prisma.session.count({ where: { user: { email: 'gone@example.com' } } })).toBe(0);
  });

  it('a user disabled while signed in is signed out', async () => {
    const s = await signIn(auth, { email: 'reviewer2@example.com', password: 'demo-pass' });
    const cookie = cookieFrom(s!.headers);
    await db.prisma.user.update({
      where: { email: 'reviewer2@example.com' },
      data: { disabledAt: new Date() },
    });
    expect(await sessionUser(auth, cookie)).toBeNull();
    await db.prisma.user.update({ where: { email: 'reviewer2@example.com' }, data: { disabledAt: null } });
  });

  it('signs out: the cookie no longer opens a session, and the sign-out is audited', async () => {
    const s = await signIn(auth, { email: 'engineer@example.com', password: 'demo-pass' });
    const cookie = cookieFrom(s!.headers);
    expect(await signOut(auth, db.prisma, cookie)).not.toBeNull();
    expect(await sessionUser(auth, cookie)).toBeNull();
    expect(await sessionUser(auth, new Headers({ cookie: 'acsa.session_token=made-up' }))).toBeNull();
    expect(await signOut(auth, db.prisma, new Headers())).toBeNull();
    expect(
      await db.prisma.auditLog.count({ where: { action: 'auth.sign-out', actor: 'engineer@example.com' } }),
    ).toBe(1);
  });

  it('an expired session is no session', async () => {
    const s = await signIn(auth, { email: 'admin@example.com', password: 'demo-pass' });
    await db.prisma.session.updateMany({ data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await sessionUser(auth, cookieFrom(s!.headers))).toBeNull();
  });

  it('marks the cookie Secure when the console is served over https', async () => {
    const https = createAuth(db.prisma, {
      secret: 'a-test-secret-of-at-least-32-characters',
      baseURL: 'https://console.example.com',
    });
    const s = await signIn(https, { email: 'reviewer@example.com', password: 'demo-pass' });
    expect(s!.headers.getSetCookie()[0]).toMatch(/^__Secure-acsa\.session_token=.*; Secure/i);
  });

  it('hashes with scrypt, and a malformed hash is a mismatch', async () => {
    const h = await hashPassword('pw');
    expect(h).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await verifyPassword(h, 'pw')).toBe(true);
    expect(await verifyPassword(h, 'pW')).toBe(false);
    expect(await verifyPassword('scrypt$x', 'pw')).toBe(false);
    expect(await verifyPassword(null, 'pw')).toBe(false);
  });

  it('ranks roles reviewer < engineer < admin', () => {
    expect(hasRole('ADMIN', 'ENGINEER')).toBe(true);
    expect(hasRole('ENGINEER', 'ENGINEER')).toBe(true);
    expect(hasRole('REVIEWER', 'ENGINEER')).toBe(false);
    expect(hasRole('ENGINEER', 'ADMIN')).toBe(false);
  });
});

describe('sign-in limits', () => {
  // As an ingress forwards it: what the client claimed, then the address the ingress saw.
  const from = (address: string, claimed = '10.9.9.9') =>
    new Headers({ 'x-forwarded-for': `${claimed}, ${address}` });
  const attempts = (email: string) =>
    db.prisma.auditLog.findMany({
      where: { action: 'auth.sign-in-attempt', actor: email },
      orderBy: { id: 'asc' },
    });
  const guard = (email: string, password: string, address: string) =>
    signInGuarded(auth, db.prisma, { email, password, headers: from(address) });
  /** A reviewer whose password is 'right-pass'. */
  const reviewer = async (email: string) => {
    const u = await db.prisma.user.create({ data: { email, name: 'Guarded', role: 'REVIEWER' } });
    await db.prisma.account.create({
      data: {
        providerId: 'credential',
        accountId: u.id,
        userId: u.id,
        password: await hashPassword('right-pass'),
      },
    });
    return u;
  };
  beforeAll(async () => {
    for (const email of ['guard@example.com', 'burst@example.com', 'owner@example.com'])
      await reviewer(email);
  });

  it('takes the address the proxy saw, never one the client wrote', () => {
    expect(clientAddress(from('203.0.113.7', '198.51.100.66'))).toBe('203.0.113.7');
    expect(clientAddress(new Headers({ 'x-forwarded-for': '192.0.2.1' }))).toBe('192.0.2.1');
    // Two proxies in front: the address the outer one saw.
    expect(clientAddress(new Headers({ 'x-forwarded-for': 'fake, 203.0.113.9, 10.0.0.2' }), 2)).toBe(
      '203.0.113.9',
    );
    expect(clientAddress(new Headers())).toBeNull();
  });

  it('after 5 wrong passwords from one address that email is held there, the right password too, until the window has passed', async () => {
    for (let i = 0; i < SIGN_IN_LIMITS.perEmailAndAddress; i++)
      expect(await guard('Guard@Example.com', `wrong-${i}`, '203.0.113.7')).toEqual({
        ok: false,
        reason: 'refused',
      });
    const held = await guard('guard@example.com', 'right-pass', '203.0.113.7');
    expect(held).toMatchObject({ ok: false, reason: 'throttled' });
    // It lifts when the oldest counted attempt leaves the 15-minute window.
    expect((held as { retryAfterS: number }).retryAfterS).toBeGreaterThan(14 * 60);
    expect((held as { retryAfterS: number }).retryAfterS).toBeLessThanOrEqual(15 * 60);
    // Each password check is audited with the address; the refused-unchecked one is not.
    const rows = await attempts('guard@example.com');
    expect(rows).toHaveLength(SIGN_IN_LIMITS.perEmailAndAddress);
    expect(rows.every((r) => (r.data as { address: string }).address === '203.0.113.7' && r.targetId)).toBe(
      true,
    );
    // Guessing from one place does not lock the owner out elsewhere.
    expect(await guard('guard@example.com', 'right-pass', '192.0.2.10')).toMatchObject({ ok: true });
    await db.prisma
      .$executeRaw`UPDATE "AuditLog" SET at = at - interval '16 minutes' WHERE actor = 'guard@example.com' AND action = 'auth.sign-in-attempt'`;
    expect(await guard('guard@example.com', 'right-pass', '203.0.113.7')).toMatchObject({
      ok: true,
      user: { email: 'guard@example.com' },
    });
  });

  it("an admin's clearing a user's failed sign-ins lifts the hold at once, in the audit log, and only for that user", async () => {
    const admin = await db.prisma.user.findFirstOrThrow({ where: { role: 'ADMIN', disabledAt: null } });
    const users: { id: string }[] = [];
    for (const email of ['mistyped@example.com', 'neighbour@example.com']) {
      users.push(await reviewer(email));
      for (let i = 0; i < SIGN_IN_LIMITS.perEmailAndAddress; i++)
        expect((await guard(email, `wrong-${i}`, '203.0.113.30')).ok).toBe(false);
      expect(await guard(email, 'right-pass', '203.0.113.30')).toMatchObject({ reason: 'throttled' });
    }
    const [held] = users as [{ id: string }];
    const before = (await listUsers(db.prisma)).find((u) => u.id === held.id);
    expect(before).toMatchObject({ failedSignIns: SIGN_IN_LIMITS.perEmailAndAddress });

    expect(await clearSignInFailures(db.prisma, admin, { userId: held.id })).toEqual({
      cleared: SIGN_IN_LIMITS.perEmailAndAddress,
    });
    expect((await listUsers(db.prisma)).find((u) => u.id === held.id)).toMatchObject({ failedSignIns: 0 });
    const entry = await db.prisma.auditLog.findFirstOrThrow({
      where: { action: SIGN_IN_UNLOCK, targetId: held.id },
    });
    expect(entry).toMatchObject({ actor: admin.email, targetType: 'User' });
    expect(await guard('mistyped@example.com', 'right-pass', '203.0.113.30')).toMatchObject({ ok: true });
    // The other user held at the same address stays held.
    expect(await guard('neighbour@example.com', 'right-pass', '203.0.113.30')).toMatchObject({
      reason: 'throttled',
    });
    // Nothing left to clear is said, not audited again.
    await expect(clearSignInFailures(db.prisma, admin, { userId: held.id })).rejects.toThrow(
      'mistyped@example.com has no failed sign-ins to clear',
    );
    // New failures after the clearing count again from zero.
    for (let i = 0; i < SIGN_IN_LIMITS.perEmailAndAddress; i++)
      expect((await guard('mistyped@example.com', `again-${i}`, '203.0.113.30')).ok).toBe(false);
    expect(await guard('mistyped@example.com', 'right-pass', '203.0.113.30')).toMatchObject({
      reason: 'throttled',
    });
  });

  /** `email`'s failures (if any) from `address`, then others' there until it is held whatever the email. */
  const holdAddress = async (address: string, email?: string) => {
    for (let i = 0; email && i < SIGN_IN_LIMITS.perEmailAndAddress; i++)
      expect(await guard(email, `wrong-${i}`, address)).toEqual({ ok: false, reason: 'refused' });
    const others = SIGN_IN_LIMITS.perAddress - (email ? SIGN_IN_LIMITS.perEmailAndAddress : 0);
    for (let i = 0; i < others; i++)
      expect(await guard(`sprayed-${i}@example.com`, 'x', address)).toEqual({ ok: false, reason: 'refused' });
    expect(await guard(`sprayed-${others}@example.com`, 'x', address)).toMatchObject({ reason: 'throttled' });
  };

  it('an unlocked user signs in at once from the address their failures came from, though others keep it held', async () => {
    const admin = await db.prisma.user.findFirstOrThrow({ where: { role: 'ADMIN', disabledAt: null } });
    const user = await reviewer('office@example.com');
    await holdAddress('203.0.113.60', 'office@example.com');
    expect(await guard('office@example.com', 'right-pass', '203.0.113.60')).toMatchObject({
      reason: 'throttled',
    });

    expect(await clearSignInFailures(db.prisma, admin, { userId: user.id })).toEqual({
      cleared: SIGN_IN_LIMITS.perEmailAndAddress,
    });
    // Whoever fills that address keeps at it (the next case: the unlock gives them no room there).
    for (let i = 0; i < SIGN_IN_LIMITS.perEmailAndAddress; i++)
      await guard(`sprayed-more-${i}@example.com`, 'x', '203.0.113.60');
    expect(await guard('office@example.com', 'right-pass', '203.0.113.60')).toMatchObject({
      ok: true,
      user: { email: 'office@example.com' },
    });
    // The audit entry says where the cleared failures came from.
    const entry = await db.prisma.auditLog.findFirstOrThrow({
      where: { action: SIGN_IN_UNLOCK, targetId: user.id },
    });
    expect(entry.data).toMatchObject({
      before: { failedSignIns: SIGN_IN_LIMITS.perEmailAndAddress, failedFrom: ['203.0.113.60'] },
      after: { failedSignIns: 0 },
    });
  }, 20_000);

  it('a colleague held only by an address others filled is seen held and let through from there by an admin', async () => {
    const admin = await db.prisma.user.findFirstOrThrow({ where: { role: 'ADMIN', disabledAt: null } });
    const colleague = await reviewer('desk@example.com');
    await reviewer('desk-neighbour@example.com');
    await holdAddress('203.0.113.63');
    // Not one failure of her own: the address holds her all the same, and the admin sees the address.
    expect(await guard('desk@example.com', 'right-pass', '203.0.113.63')).toMatchObject({
      reason: 'throttled',
    });
    const held = (await heldAddresses(db.prisma)).find((h) => h.address === '203.0.113.63');
    expect(held).toMatchObject({ failures: SIGN_IN_LIMITS.perAddress, emails: SIGN_IN_LIMITS.perAddress });
    expect(held?.liftsAt.getTime()).toBeGreaterThan(Date.now() + SIGN_IN_LIMITS.windowMs - 60_000);
    // Without the address there is nothing to clear; an address not held is refused by name.
    await expect(clearSignInFailures(db.prisma, admin, { userId: colleague.id })).rejects.toThrow(
      'desk@example.com has no failed sign-ins to clear',
    );
    await expect(
      clearSignInFailures(db.prisma, admin, { userId: colleague.id, address: '203.0.113.99' }),
    ).rejects.toThrow('203.0.113.99 is not held: anyone can sign in from there');
    await clearSignInFailures(db.prisma, admin, { userId: colleague.id, address: '203.0.113.63' });
    expect(await guard('desk@example.com', 'right-pass', '203.0.113.63')).toMatchObject({
      ok: true,
      user: { email: 'desk@example.com' },
    });
    // Only her: the address still holds everyone else, and it is still listed as held.
    expect(await guard('desk-neighbour@example.com', 'right-pass', '203.0.113.63')).toMatchObject({
      reason: 'throttled',
    });
    expect((await heldAddresses(db.prisma)).map((h) => h.address)).toContain('203.0.113.63');
    const entry = await db.prisma.auditLog.findFirstOrThrow({
      where: { action: SIGN_IN_UNLOCK, targetId: colleague.id },
    });
    expect(entry.data).toMatchObject({
      before: { failedSignIns: 0, failedFrom: [] },
      after: { passesHold: ['203.0.113.63'] },
    });
  }, 20_000);

  it("unlocking one account does not reopen an address held for guessing at others, nor the account's own limit", async () => {
    const admin = await db.prisma.user.findFirstOrThrow({ where: { role: 'ADMIN', disabledAt: null } });
    const user = await reviewer('sprayed@example.com');
    await reviewer('bystander@example.com');
    await holdAddress('203.0.113.61', 'sprayed@example.com');
    await holdAddress('203.0.113.62');
    await clearSignInFailures(db.prisma, admin, { userId: user.id });
    // Another account guessed at from that address gets no password check, the right password included.
    expect(await guard('bystander@example.com', 'right-pass', '203.0.113.61')).toMatchObject({
      reason: 'throttled',
    });
    // Only from where its failures came: another held address still holds the unlocked account.
    expect(await guard('sprayed@example.com', 'right-pass', '203.0.113.62')).toMatchObject({
      reason: 'throttled',
    });
    // The unlocked account gets its own limit's worth of guesses there again, no more.
    for (let i = 0; i < SIGN_IN_LIMITS.perEmailAndAddress; i++)
      expect(await guard('sprayed@example.com', `again-${i}`, '203.0.113.61')).toEqual({
        ok: false,
        reason: 'refused',
      });
    expect(await guard('sprayed@example.com', 'right-pass', '203.0.113.61')).toMatchObject({
      reason: 'throttled',
    });
  }, 20_000);

  it("a sign-in clears its email's failures", async () => {
    for (let i = 0; i < SIGN_IN_LIMITS.perEmailAndAddress - 1; i++)
      expect((await guard('guard@example.com', 'wrong', '203.0.113.8')).ok).toBe(false);
    expect((await guard('guard@example.com', 'right-pass', '203.0.113.8')).ok).toBe(true);
    for (let i = 0; i < SIGN_IN_LIMITS.perEmailAndAddress - 1; i++)
      expect(await guard('guard@example.com', 'wrong', '203.0.113.8')).toEqual({
        ok: false,
        reason: 'refused',
      });
    expect((await guard('guard@example.com', 'right-pass', '203.0.113.8')).ok).toBe(true);
  });

  it('guesses spread over many addresses are bounded per email, and the owner still gets in from where they signed in before', async () => {
    // A guess from one address just before the owner signs in from another does not make it the owner's.
    expect(await guard('owner@example.com', 'guess', '198.51.100.201')).toEqual({
      ok: false,
      reason: 'refused',
    });
    expect((await guard('owner@example.com', 'right-pass', '198.51.100.200')).ok).toBe(true);
    const signInRow = await db.prisma.auditLog.findFirstOrThrow({
      where: { action: 'auth.sign-in', actor: 'owner@example.com' },
    });
    expect(signInRow.data).toEqual({ address: '198.51.100.200' });
    const n = SIGN_IN_LIMITS.perEmail + 10;
    const outcomes = await Promise.all(
      Array.from({ length: n }, (_, i) => guard('owner@example.com', `guess-${i}`, `198.51.100.${i + 1}`)),
    );
    // Concurrent, yet exactly the limit's worth of password checks.
    expect(outcomes.filter((o) => !o.ok && o.reason === 'refused')).toHaveLength(SIGN_IN_LIMITS.perEmail);
    expect(outcomes.filter((o) => !o.ok && o.reason === 'throttled')).toHaveLength(
      n - SIGN_IN_LIMITS.perEmail,
    );
    expect(await guard('owner@example.com', 'right-pass', '203.0.113.99')).toMatchObject({
      reason: 'throttled',
    });
    expect(await guard('owner@example.com', 'right-pass', '198.51.100.201')).toMatchObject({
      reason: 'throttled',
    });
    expect(await guard('owner@example.com', 'right-pass', '198.51.100.200')).toMatchObject({ ok: true });
  });

  it('waits at most 4 s behind other sign-ins of the same email, then says so instead of failing', async () => {
    // Another console replica holds the email's lock (a burst, a stuck transaction).
    await db.prisma.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended('sign-in:busy@example.com', 0))`;
        const started = Date.now();
        expect(await guard('busy@example.com', 'x', '192.0.2.90')).toEqual({ ok: false, reason: 'busy' });
        expect(Date.now() - started).toBeGreaterThan(3_500);
      },
      { timeout: 15_000 },
    );
    expect(await guard('busy@example.com', 'x', '192.0.2.90')).toEqual({ ok: false, reason: 'refused' });
  }, 20_000);

  it('a burst from one address gets no more password checks than its limit', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) => guard('burst@example.com', `guess-${i}`, '198.51.100.250')),
    );
    expect(outcomes.filter((o) => !o.ok && o.reason === 'refused')).toHaveLength(
      SIGN_IN_LIMITS.perEmailAndAddress,
    );
    expect(await attempts('burst@example.com')).toHaveLength(SIGN_IN_LIMITS.perEmailAndAddress);
  });

  it('one address trying many accounts is held after its limit, whatever the email', async () => {
    const address = '192.0.2.44';
    // A team behind one address signing in all day is not held: only failed checks count.
    for (let i = 0; i <= SIGN_IN_LIMITS.perAddress; i++)
      expect((await guard('engineer@example.com', 'demo-pass', address)).ok).toBe(true);
    for (let i = 0; i < SIGN_IN_LIMITS.perAddress; i++)
      expect(await guard(`nobody-${i}@example.com`, 'x', address)).toEqual({ ok: false, reason: 'refused' });
    expect(await guard('reviewer@example.com', 'demo-pass', address)).toMatchObject({
      ok: false,
      reason: 'throttled',
    });
    // The same account from another address is not held.
    expect((await guard('reviewer@example.com', 'demo-pass', '192.0.2.45')).ok).toBe(true);
    // Some 60 password checks in a row: past 5 s on a busy machine.
  }, 20_000);
});
