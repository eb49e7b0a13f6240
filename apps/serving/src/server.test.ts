import { createLogger } from '@acsa/core/logger';
import { expect, it } from 'vitest';
import { buildServer } from './server.ts';

it('answers its health check', async () => {
  const app = buildServer({ logger: createLogger({ name: 't', level: 'silent' }), version: 'test' });
  const res = await app.inject({ method: 'GET', url: '/healthz' });
  expect(res.statusCode).toBe(200);
  expect(res.json()).toMatchObject({ status: 'ok', service: 'serving' });
  await app.close();
});
