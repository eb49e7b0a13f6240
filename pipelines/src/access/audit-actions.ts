/**
 * A password check, one per try, whatever its outcome: the sign-in limits' ledger (sign-in-guard.ts). The
 * audit log hides them unless asked (audit/list-audit.ts): a busy console signs in all day.
 */
export const SIGN_IN_ATTEMPT = 'auth.sign-in-attempt';
