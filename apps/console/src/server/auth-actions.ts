'use server';
import { signInGuarded, signOut } from '@acsa/pipelines/access';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { plural } from '@/components/format';
import { loadEnv } from '../env';
import { auth } from './better-auth';
import { db } from './db';
import { sameSitePath } from './next-path';

const ZSignIn = z.object({ email: z.string().trim().min(1).max(200), password: z.string().min(1).max(500) });

export type TSignInState = { error: string | null; email: string };

/** The sign-in form's action: a session cookie (set by better-auth) and on to the console, or why it failed. */
export async function signInAction(_prev: TSignInState, form: FormData): Promise<TSignInState> {
  const parsed = ZSignIn.safeParse({ email: form.get('email'), password: form.get('password') });
  const email = String(form.get('email') ?? '');
  if (!parsed.success) return { error: 'Enter your email and password.', email };
  const outcome = await signInGuarded(auth(), db(), {
    ...parsed.data,
    headers: await headers(),
    proxyHops: loadEnv().TRUSTED_PROXY_HOPS,
  });
  if (!outcome.ok && outcome.reason === 'throttled') {
    const minutes = Math.ceil(outcome.retryAfterS / 60);
    return {
      error: `Too many failed sign-ins for this email from here, or from this network. Try again in ${plural(minutes, 'minute')}.`,
      email,
    };
  }
  if (!outcome.ok && outcome.reason === 'busy')
    return { error: 'Too many sign-ins for this email at this moment. Try again in a few seconds.', email };
  if (!outcome.ok) return { error: 'That email and password do not match an active account.', email };
  // Only a path on this site: anything else here would make the sign-in page an open redirect.
  redirect(sameSitePath(String(form.get('next') ?? '')));
}

export async function signOutAction(): Promise<void> {
  await signOut(auth(), db(), await headers());
  redirect('/sign-in');
}
