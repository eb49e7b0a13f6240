/**
 * Where the test services are: the same variables the apps read, defaulting to the local services.
 * Tests never use the development database itself, only its server (see createTestDatabase).
 */
export function testServiceUrls(): { databaseUrl: string; redisUrl: string } {
  return {
    databaseUrl: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/acsa',
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  };
}
