import { testEnv } from './env.ts';

/**
 * Where the test services are: the same variables the apps read, defaulting to the local services.
 * Tests never use the development database itself, only its server (see createTestDatabase).
 */
export function testServiceUrls(): { databaseUrl: string; redisUrl: string } {
  const { databaseUrl, redisUrl } = testEnv();
  return { databaseUrl, redisUrl };
}
