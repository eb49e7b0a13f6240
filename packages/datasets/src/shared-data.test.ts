import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createTestDatabase,
  needsSharedData,
  SHARED_DATA_DIR as SHARED,
  type TestDatabase,
  testServiceUrls,
} from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDataset } from './import-dataset.ts';
import { prepareImport } from './prepare-import.ts';
import type { TPreparedImport } from './types.ts';

// The public datasets beside the repository (never copied into it); the test is skipped where they are absent.
const names = existsSync(SHARED)
  ? readdirSync(SHARED, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(SHARED, d.name, `${d.name}.jsonl`)))
      .map((d) => d.name)
  : [];

/** What each README states: rows per split ("train 10003, test 3080", "… — total 7324") and per intent. */
function readmeCounts(name: string) {
  const readme = readFileSync(join(SHARED, name, 'README.md'), 'utf8');
  const countsLine =
    readme
      .split('## Counts')[1]
      ?.split('\n')
      .find((l) => l.startsWith('- ')) ?? '';
  const splits: Record<string, number> = { train: 0, dev: 0, test: 0 };
  // The first figure of each split: clinc150 adds "(train 14980 + oos_train 100)" after its own.
  for (const split of Object.keys(splits)) {
    const m = countsLine.match(new RegExp(`\\b${split} (\\d+)`));
    if (m) splits[split] = Number(m[1]);
  }
  const total = Number(countsLine.match(/total (\d+)/)?.[1] ?? splits.train! + splits.dev! + splits.test!);
  const intentsSection = readme.match(/## Intents \([^)]*count\)\n([^\n]+)/)?.[1] ?? '';
  const intents = Object.fromEntries(
    [...intentsSection.matchAll(/(\S+) \((\d+)\)/g)].map((m) => [m[1]!, Number(m[2])]),
  );
  return { splits, total, intents };
}

/** Rows per intent counted straight from the file, as a check that does not share the import's code. */
function rawIntentCounts(name: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of readFileSync(join(SHARED, name, `${name}.jsonl`), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const { intent } = JSON.parse(line) as { intent: string };
    counts[intent] = (counts[intent] ?? 0) + 1;
  }
  return counts;
}

// Measured with normalizeKey on these files; a change to the key or the reader shows here first.
const KNOWN_DUPLICATES: Record<string, { duplicates: number; conflicts: number }> = {
  banking77: { duplicates: 60, conflicts: 2 },
  clinc150: { duplicates: 41, conflicts: 1 },
  'bitext-customer-service': { duplicates: 0, conflicts: 0 },
  'bitext-customer-support-20k': { duplicates: 0, conflicts: 0 },
  'bitext-llm-tagged': { duplicates: 0, conflicts: 0 },
};

// Taxonomies of their own (banking, 150 assistant intents): imported as new classes on purpose. The Bitext
// sets use the shop's intent names, so they must import without it.
const OWN_TAXONOMY = new Set(['banking77', 'clinc150']);

describe('the shared datasets', needsSharedData(names.length > 0), () => {
  const prepared = new Map<string, TPreparedImport>();
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(testServiceUrls().databaseUrl);
    for (const name of names)
      prepared.set(
        name,
        await prepareImport(join(SHARED, name, `${name}.jsonl`), { allowNewIntents: OWN_TAXONOMY.has(name) }),
      );
  }, 60_000);
  afterAll(() => db?.drop());

  it.each(names)('%s reads with the counts its README states', (name) => {
    const p = prepared.get(name)!;
    const readme = readmeCounts(name);
    expect(p.errors).toEqual([]);
    if (!OWN_TAXONOMY.has(name)) expect(p.newIntents).toEqual([]);
    expect(p.stats.rows).toBe(readme.total);
    expect({ train: p.stats.valid.train, dev: p.stats.valid.dev, test: p.stats.valid.test }).toEqual(
      readme.splits,
    );
    for (const [intent, n] of Object.entries(readme.intents))
      expect([intent, p.stats.valid.intents[intent]]).toEqual([intent, n]);
    const raw = rawIntentCounts(name);
    for (const intent of Object.keys(raw).sort().slice(0, 3))
      expect(p.stats.valid.intents[intent]).toBe(raw[intent]);
    const known = KNOWN_DUPLICATES[name];
    if (known) expect({ duplicates: p.stats.duplicates, conflicts: p.stats.conflicts }).toEqual(known);
    expect(p.stats.imported.total).toBe(p.stats.rows - p.stats.duplicates);
  });

  it('all import, each as version 1 of its own dataset with every distinct row', async () => {
    for (const name of names) {
      const p = prepared.get(name)!;
      const { datasetVersion } = await importDataset(db.prisma, p, { name });
      const bySplit = await db.prisma.example.groupBy({
        by: ['split'],
        where: { datasetVersionId: datasetVersion.id },
        _count: true,
      });
      const counts = Object.fromEntries(bySplit.map((g) => [g.split, g._count]));
      expect([name, datasetVersion.version, counts]).toEqual([
        name,
        1,
        Object.fromEntries(
          (['train', 'dev', 'test'] as const)
            .filter((s) => p.stats.imported[s] > 0)
            .map((s) => [s.toUpperCase(), p.stats.imported[s]]),
        ),
      ]);
    }
    // About 3 s for the five on an idle 2-core machine; the margin is for a busy one.
  }, 60_000);
});
