// Fixtures for integration tests: real PostgreSQL and Redis, isolated per test file.

export { type TTestEnv, testEnv } from './env.ts';
export { bareModelVersion } from './model-version.ts';
export { raceBehindLock } from './race-behind-lock.ts';
export { rejectionOf } from './rejection.ts';
export { needsSharedData, SHARED_DATA_DIR, sharedDataset } from './shared-data.ts';
export { silentServer } from './silent-server.ts';
export { tcpRelay } from './tcp-relay.ts';
export {
  createTestDatabase,
  TEST_DATABASE_PREFIX,
  type TestDatabase,
} from './test-database.ts';
export { createTestRedis, type TestRedis } from './test-redis.ts';
export { testServiceUrls } from './urls.ts';
export { withAuditRefused } from './with-audit-refused.ts';
