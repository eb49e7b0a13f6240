import { randomBytes } from 'node:crypto';
import { createTestDatabase, createTestRedis, testServiceUrls } from '@acsa/db/testing';
import type { TestProject } from 'vitest/node';
import { seedAccess } from '../../../prisma/seed/access.ts';
import { buildConsole, freePort, startConsole, stopConsole } from './console-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    consoleUrl: string;
    databaseUrl: string;
    password: string;
    queuePrefix: string;
  }
}

/** The console on a test database of its own, with the demo users seeded as `npm start` seeds them. */
export default async function setup(project: TestProject) {
  const db = await createTestDatabase(testServiceUrls().databaseUrl);
  // The retrain button enqueues under a prefix of the suite's own, never into a running trainer's queues.
  const redis = await createTestRedis(testServiceUrls().redisUrl);
  const password = randomBytes(9).toString('base64url');
  await seedAccess(db.prisma, { demoPassword: password });
  buildConsole();
  const port = await freePort();
  const server = await startConsole({ databaseUrl: db.url, port, queuePrefix: redis.prefix });
  project.provide('consoleUrl', `http://127.0.0.1:${port}`);
  project.provide('databaseUrl', db.url);
  project.provide('password', password);
  project.provide('queuePrefix', redis.prefix);
  return async () => {
    stopConsole(server);
    await new Promise((r) => setTimeout(r, 300));
    await db.drop();
    await redis.cleanup();
  };
}
