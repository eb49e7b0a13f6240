// Server-only: what admins manage in the console (PostgreSQL): storefront API keys and console users.
export { createApiKey, listApiKeys, revokeApiKey, SERVING_KEY_CACHE_SECONDS } from './api-keys.ts';
export {
  addUser,
  clearSignInFailures,
  listUsers,
  setUserDisabled,
  setUserPassword,
  setUserRole,
  type TNewUser,
  ZNewUser,
  ZPassword,
} from './users.ts';
