import { createTestDatabase, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedAccess } from '../../../prisma/seed/access.ts';
import { createAuth, sessionUser, signIn, signOut, type TAuth } from './auth.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { hasRole } from './roles.ts';

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
