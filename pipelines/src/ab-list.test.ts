import { bareModelVersion, createTestDatabase, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countExperiments, listExperiments } from './ab-list.ts';

let db: TestDatabase;
const DAY = 86_400_000;
beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
  const [control, treatment] = [
    await bareModelVersion(db.prisma, 'x1'),
    await bareModelVersion(db.prisma, 'x2'),
  ];
  const variants = {
    create: [
      { name: 'control', modelVersionId: control.id, weight: 0.5 },
      { name: 'treatment', modelVersionId: treatment.id, weight: 0.5 },
    ],
  };
  // Started long ago and still running, older than the five stopped since.
  await db.prisma.experiment.create({
    data: { name: 'long-runner', status: 'RUNNING', createdAt: new Date(Date.now() - 30 * DAY), variants },
  });
  for (let i = 0; i < 5; i++)
    await db.prisma.experiment.create({
      data: { name: `stopped-${i}`, status: 'STOPPED', createdAt: new Date(Date.now() - i * DAY), variants },
    });
});
afterAll(() => db?.drop());

describe('listExperiments', () => {
  it('lists a running experiment however old, first, then the newest others up to the limit', async () => {
    const list = await listExperiments(db.prisma, { limit: 3 });
    expect(list.map((e) => [e.name, e.status])).toEqual([
      ['long-runner', 'RUNNING'],
      ['stopped-0', 'STOPPED'],
      ['stopped-1', 'STOPPED'],
    ]);
    expect(list[0]?.variants.map((v) => v.version)).toEqual(['x1', 'x2']);
    // What a caption counts as left out is what the list did not show.
    expect(await countExperiments(db.prisma)).toBe(6);
    expect((await listExperiments(db.prisma)).map((e) => e.name)).toEqual([
      'long-runner',
      ...[0, 1, 2, 3, 4].map((i) => `stopped-${i}`),
    ]);
  });
});
