import { expect, it } from 'vitest';
import { GET } from './route.ts';

it('answers its health check', async () => {
  const res = GET();
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ status: 'ok', service: 'console' });
});
