import { expect, it } from 'vitest';
import { uuidv7 } from './ids.ts';

it('makes version-7 UUIDs that sort by creation time', () => {
  const a = uuidv7(1_700_000_000_000);
  const b = uuidv7(1_700_000_000_001);
  expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(a < b).toBe(true);
  expect(uuidv7()).not.toBe(uuidv7());
});
