// Server-only: console sign-in (better-auth), sessions and roles (PostgreSQL through @acsa/db).
export {
  createAuth,
  SESSION_TTL_MS,
  sessionUser,
  signIn,
  signOut,
  type TAuth,
  type TAuthOptions,
  type TSessionUser,
} from './auth.ts';
export { hashPassword, verifyPassword } from './password.ts';
export { hasRole, ROLE_RANK, type TActor } from './roles.ts';
export {
  clientAddress,
  failedSignIns,
  heldAddresses,
  SIGN_IN_LIMITS,
  SIGN_IN_UNLOCK,
  signInGuarded,
  type TSignInOutcome,
} from './sign-in-guard.ts';
