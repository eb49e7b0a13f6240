import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDataset } from './import-dataset.ts';
import { prepareImport } from './prepare-import.ts';

const dir = await mkdtemp(join(tmpdir(), 'acsa-datasets-db-'));
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
});
afterAll(async () => {
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, rows: unknown[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n'));
  return path;
}

const written = async () => ({
  datasets: await db.prisma.dataset.count(),
  versions: await db.prisma.datasetVersion.count(),
  examples: await db.prisma.example.count(),
});

const GOOD = [
  {
    text: 'Where is order 10042?',
    intent: 'track_order',
    split: 'train',
    entities: [{ type: 'order_id', start: 15, end: 20 }],
  },
  { text: 'I want my money back', intent: 'get_refund', split: 'dev' },
  { text: 'where is order 10042', intent: 'track_order' },
  { text: 'hello', intent: 'greeting', split: 'test' },
];

describe('importDataset', () => {
  it('refuses a file with an invalid row and writes nothing', async () => {
    const prepared = await prepareImport(await file('bad.jsonl', [...GOOD, '{"text": ']));
    await expect(importDataset(db.prisma, prepared, { name: 'bad' })).rejects.toThrow(
      /1 invalid rows; nothing imported/,
    );
    expect(await written()).toEqual({ datasets: 0, versions: 0, examples: 0 });
  });

  it("refuses a file with an intent that is not one of the shop's, suggesting the nearest, and writes nothing", async () => {
    const path = await file('typo.jsonl', [...GOOD, { text: 'where is my parcel', intent: 'track_ordr' }]);
    const prepared = await prepareImport(path);
    expect(prepared.errors.map((e) => `${e.at}: ${e.message}`)).toEqual([
      `${path}:5: intent: "track_ordr" is not one of the shop's intents (did you mean "track_order"?)`,
    ]);
    await expect(importDataset(db.prisma, prepared, { name: 'typo' })).rejects.toThrow(
      /1 invalid rows; nothing imported/,
    );
    expect(await written()).toEqual({ datasets: 0, versions: 0, examples: 0 });
  });

  it('writes nothing at all when the database refuses a row half-way', async () => {
    const prepared = await prepareImport(await file('half.jsonl', GOOD));
    // Two rows with one key break Example's unique (version, key) index on insert, after the version row.
    prepared.rows.push({ ...prepared.rows[0]!, line: 99 });
    await expect(importDataset(db.prisma, prepared, { name: 'half' })).rejects.toThrow();
    expect(await written()).toEqual({ datasets: 0, versions: 0, examples: 0 });
  });

  it('writes the rows as version 1 with their splits, entities, origins, counts and source', async () => {
    const path = await file('shop.jsonl', [GOOD[0], { ...GOOD[1], intent: 'refund' }, GOOD[2], GOOD[3]]);
    const prepared = await prepareImport(path, { labelMap: { refund: 'get_refund' } });
    const { datasetVersion, counts } = await importDataset(db.prisma, prepared, { name: 'shop' });
    expect(datasetVersion).toMatchObject({ name: 'shop', version: 1 });
    const version = await db.prisma.datasetVersion.findUniqueOrThrow({
      where: { id: datasetVersion.id },
      include: { examples: { orderBy: { origin: 'asc' } } },
    });
    expect(
      version.examples.map(({ text, key, intent, split, source, origin, entities }) => ({
        text,
        key,
        intent,
        split,
        source,
        origin,
        entities,
      })),
    ).toEqual([
      {
        text: 'Where is order 10042?',
        key: 'where is order 10042',
        intent: 'track_order',
        split: 'TRAIN',
        source: 'IMPORT',
        origin: 'shop.jsonl:1',
        entities: [{ type: 'order_id', value: '10042', start: 15, end: 20 }],
      },
      {
        text: 'I want my money back',
        key: 'i want my money back',
        intent: 'get_refund',
        split: 'DEV',
        source: 'IMPORT',
        origin: 'shop.jsonl:2',
        entities: [],
      },
      {
        text: 'hello',
        key: 'hello',
        intent: 'greeting',
        split: 'TEST',
        source: 'IMPORT',
        origin: 'shop.jsonl:4',
        entities: [],
      },
    ]);
    expect(version).toMatchObject({ source: 'IMPORT', exampleCount: 3, counts });
    expect(counts).toEqual({
      train: 1,
      dev: 1,
      test: 1,
      intents: { track_order: 1, get_refund: 1, greeting: 1 },
    });
    expect(version.meta).toMatchObject({
      file: 'shop.jsonl',
      sha256: prepared.file.sha256,
      labelMap: { refund: 'get_refund' },
      rows: 4,
      duplicates: 1,
      skipped: [],
    });
  });

  it('makes version 2 on a second import of the same name, leaving version 1 as it was', async () => {
    const prepared = await prepareImport(await file('shop-2.jsonl', GOOD.slice(0, 2)));
    const { datasetVersion } = await importDataset(db.prisma, prepared, { name: 'shop' });
    expect(datasetVersion.version).toBe(2);
    const versions = await db.prisma.datasetVersion.findMany({
      where: { dataset: { name: 'shop' } },
      orderBy: { version: 'asc' },
      select: { version: true, exampleCount: true, _count: { select: { examples: true } } },
    });
    expect(versions).toEqual([
      { version: 1, exampleCount: 3, _count: { examples: 3 } },
      { version: 2, exampleCount: 2, _count: { examples: 2 } },
    ]);
  });

  it('with skipInvalid imports the good rows and records each skipped line', async () => {
    const path = await file('mixed.jsonl', [GOOD[0], '{"text": ', GOOD[1], { text: 'no intent' }]);
    const prepared = await prepareImport(path);
    const { datasetVersion } = await importDataset(db.prisma, prepared, { name: 'mixed', skipInvalid: true });
    const version = await db.prisma.datasetVersion.findUniqueOrThrow({ where: { id: datasetVersion.id } });
    expect(version.exampleCount).toBe(2);
    expect((version.meta as { skipped: unknown }).skipped).toEqual([
      { line: 2, message: expect.stringMatching(/^invalid JSON/) },
      { line: 4, message: 'intent: is missing' },
    ]);
  });

  it('gives concurrent imports of one dataset consecutive versions', async () => {
    const prepared = await prepareImport(await file('race.jsonl', GOOD));
    const results = await Promise.all(
      [1, 2, 3].map(() => importDataset(db.prisma, prepared, { name: 'race' })),
    );
    expect(results.map((r) => r.datasetVersion.version).sort()).toEqual([1, 2, 3]);
  });

  it('with allowNewIntents writes a new class and records it in the version', async () => {
    const path = await file('new-class.jsonl', [
      GOOD[0],
      { text: 'my card has not arrived', intent: 'card_arrival' },
    ]);
    const prepared = await prepareImport(path, { allowNewIntents: true });
    const { datasetVersion, counts } = await importDataset(db.prisma, prepared, { name: 'new-class' });
    expect(counts.intents).toEqual({ track_order: 1, card_arrival: 1 });
    const version = await db.prisma.datasetVersion.findUniqueOrThrow({ where: { id: datasetVersion.id } });
    expect(version.meta).toMatchObject({ newIntents: ['card_arrival'] });
  });
});
