'use server';
import { signIn, signOut } from '@acsa/pipelines/access';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { loadEnv } from '../env';
import { db } from './db';
import { SESSION_COOKIE, sessionCookieOptions } from './session-cookie';

const ZSignIn = z.object({ email: z.string().trim().min(1).max(200), password: z.string().min(1).max(500) });

export type TSignInState = { error: string | null; email: string };

/** The sign-in form's action: a session cookie and on to the console, or the reason it failed. */
export async function signInAction(_prev: TSignInState, form: FormData): Promise<TSignInState> {
  const parsed = ZSignIn.safeParse({ email: form.get('email'), password: form.get('password') });
  const email = String(form.get('email') ?? '');
  if (!parsed.success) return { error: 'Enter your email and password.', email };
  const h = await headers();
  const session = await signIn(db(), {
    ...parsed.data,
    ip: h.get('x-forwarded-for')?.split(',')[0]?.trim() ?? null,
    userAgent: h.get('user-agent'),
  });
  if (!session) return { error: 'That email and password do not match an active account.', email };
  (await cookies()).set(
    SESSION_COOKIE,
    session.token,
    sessionCookieOptions(session.expiresAt, {
      production: loadEnv().NODE_ENV === 'production',
      host: h.get('host'),
    }),
  );
  const next = String(form.get('next') ?? '');
  // Only a path on this site: an absolute URL here would make the sign-in page an open redirect.
  redirect(next.startsWith('/') && !next.startsWith('//') ? next : '/');
}

export async function signOutAction(): Promise<void> {
  const jar = await cookies();
  await signOut(db(), jar.get(SESSION_COOKIE)?.value);
  jar.delete(SESSION_COOKIE);
  redirect('/sign-in');
}
