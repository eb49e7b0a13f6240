import 'server-only';
import type { Role } from '@acsa/db';
import { hasRole, sessionUser, type TSessionUser } from '@acsa/pipelines/access';
import { headers } from 'next/headers';
import { forbidden, redirect } from 'next/navigation';
import { cache } from 'react';
import { auth } from './better-auth';
import { PATH_HEADER, signInFor } from './next-path';

/** The signed-in user of this request (looked up once per request), or null. */
export const currentUser = cache(async (): Promise<TSessionUser | null> => {
  // Reading the request first makes every page that asks dynamic: none is rendered at build time.
  const h = await headers();
  return sessionUser(auth(), h);
});

/**
 * For pages and layouts: the user, who must hold at least `role`. Signed out → the sign-in page, which goes
 * on to the page asked for once signed in; signed in
 * without the role → 403 (app/forbidden.tsx), the same page whether the URL was typed or followed.
 */
export async function requireRole(role: Role): Promise<TSessionUser> {
  const user = await currentUser();
  if (!user) redirect(signInFor((await headers()).get(PATH_HEADER)));
  if (!hasRole(user.role, role)) forbidden();
  return user;
}
