// Fixtures for integration tests: real PostgreSQL and Redis, isolated per test file.
export {
  createTestDatabase,
  dropLeftoverTestDatabases,
  TEST_DATABASE_PREFIX,
  type TestDatabase,
} from './test-database.ts';
export { createTestRedis, type TestRedis } from './test-redis.ts';
export { testServiceUrls } from './urls.ts';
