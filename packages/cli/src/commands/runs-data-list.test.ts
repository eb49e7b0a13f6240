import { createTestDatabase, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register as registerData } from './data.ts';
import { cliInProcess } from './in-process.test-helper.ts';
import { register as registerRuns } from './runs.ts';

let db: TestDatabase;
const long = Date.now() - 30 * 86_400_000;

beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
  process.env.DATABASE_URL = db.url;
  // More than the console shows (50 runs, 30 versions), whose captions send engineers here for every one,
  // and more than the lists once stopped at (200 runs, 100 versions) whatever --limit asked for.
  await db.prisma.trainingRun.createMany({
    data: Array.from({ length: 203 }, (_, i) => ({
      trigger: 'SCHEDULE' as const,
      mode: 'NONE' as const,
      status: 'SUCCEEDED' as const,
      progress: 100,
      gatePassed: i % 2 === 0,
      createdAt: new Date(long + i * 60_000),
      finishedAt: new Date(long + i * 60_000 + 30_000),
    })),
  });
  await db.prisma.dataset.create({
    data: {
      name: 'cli-many',
      versions: {
        create: Array.from({ length: 102 }, (_, i) => ({
          version: i + 1,
          source: 'IMPORT' as const,
          meta: {},
          counts: {},
          exampleCount: 0,
          createdAt: new Date(long + i * 60_000),
        })),
      },
    },
  });
});
afterAll(() => db?.drop());

const acsa = cliInProcess(registerRuns, registerData);

describe('acsa runs list', () => {
  it('lists the newest 50 runs, ends with how many it left out, and --limit lists every one', async () => {
    const shown = (await acsa('runs', 'list')).split('\n');
    // A header, 50 runs, the line naming the rest.
    expect(shown).toHaveLength(52);
    expect(shown[1]).toMatch(
      /^[0-9a-f-]{36}\s+succeeded\s+schedule\s+none · full\s+passed\s+—\s+\d{4}-\d\d-\d\d /,
    );
    expect(shown.at(-1)).toBe('… and 153 more runs: --limit 203 lists every one');
    const all = (await acsa('runs', 'list', '--limit', '203')).split('\n');
    expect(all).toHaveLength(204);
    expect(all.join('\n')).not.toContain('… and');
    const json = JSON.parse(await acsa('runs', 'list', '--limit', '2', '--json'));
    expect(json.items).toHaveLength(2);
    expect(json.total).toBe(203);
    await expect(acsa('runs', 'list', '--limit', '0')).rejects.toThrow(
      '--limit must be a positive integer, got "0"',
    );
  });
});

describe('acsa data list', () => {
  it('lists the newest 30 dataset versions, ends with how many it left out, and --limit lists every one', async () => {
    const shown = (await acsa('data', 'list')).split('\n');
    expect(shown).toHaveLength(32);
    expect(shown[1]).toMatch(/^cli-many v102\s+import\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+0 \(0 \/ 0 \/ 0\)\s+0$/);
    expect(shown.at(-1)).toBe('… and 72 more versions: --limit 102 lists every one');
    const all = (await acsa('data', 'list', '--limit', '102')).split('\n');
    expect(all).toHaveLength(103);
    expect(all.at(-1)).toMatch(/^cli-many v1 /);
    await expect(acsa('data', 'list', '--limit', 'all')).rejects.toThrow(
      '--limit must be a positive integer, got "all"',
    );
  });
});
