import { bareModelVersion, createTestDatabase, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appliedThresholds, driftView } from './drift-view.ts';

let db: TestDatabase;
const now = new Date('2026-11-26T12:00:00Z');
const hour = (h: number) => new Date(`2026-11-26T${String(h).padStart(2, '0')}:00:00Z`);

beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
});
afterAll(() => db?.drop());

async function version(name: string) {
  return bareModelVersion(db.prisma, name);
}

async function report(modelVersionId: string, h: number, psi: number, alert = false) {
  await db.prisma.driftReport.create({
    data: {
      modelVersionId,
      windowStart: hour(h),
      windowEnd: hour(h + 1),
      n: 300,
      intentPsi: psi,
      intentJs: psi / 5,
      confidencePsi: 0.02,
      lengthPsi: 0.03,
      unknownTokenRate: 0.04,
      details: {
        ks: {
          confidence: { d: psi / 2, p: 0.5, n1: 100, n2: 300 },
          length: { d: 0.05, p: 0.9, n1: 100, n2: 300 },
        },
        ...(alert ? { breaches: [{ metric: 'intentPsi', value: psi, threshold: 0.25 }] } : {}),
      },
      alert,
    },
  });
}

describe('drift view', () => {
  it('groups windows by version, newest version first, windows oldest first, with alerts and why', async () => {
    expect((await driftView(db.prisma, { now })).versions).toEqual([]);
    const old = await version('dv-old');
    const cur = await version('dv-new');
    await report(old.id, 8, 0.05);
    await report(cur.id, 9, 0.1);
    await report(cur.id, 10, 0.6, true);
    const view = await driftView(db.prisma, { now });
    expect(view.versions.map((v) => [v.version, v.windows.length, v.alerts])).toEqual([
      ['dv-new', 2, 1],
      ['dv-old', 1, 0],
    ]);
    expect(
      view.versions[0]?.windows.map((w) => [w.start.toISOString().slice(11, 13), w.intentPsi, w.breaches]),
    ).toEqual([
      ['09', 0.1, []],
      ['10', 0.6, [{ metric: 'intentPsi', value: 0.6, threshold: 0.25 }]],
    ]);
    expect(view.thresholds.intentPsi).toBe(0.25);
    expect(view.thresholds.confidenceKs).toBe(0.1);
    expect(view.versions[0]?.windows.map((w) => [w.confidenceKs, w.lengthKs])).toEqual([
      [0.05, 0.05],
      [0.3, 0.05],
    ]);
  });

  it('names the aliases pointing at each version now', async () => {
    const shadow = await version('dv-shadow');
    await report(shadow.id, 10, 0.05);
    await db.prisma.modelAlias.create({ data: { name: 'shadow', modelVersionId: shadow.id } });
    const view = await driftView(db.prisma, { now });
    expect(view.versions.find((v) => v.version === 'dv-shadow')?.aliases).toEqual(['shadow']);
    expect(view.versions.find((v) => v.version === 'dv-new')?.aliases).toEqual([]);
  });
});

describe('applied thresholds', () => {
  it('are the ones the drift check held a window to: a breach’s own, else raised for a small sample', () => {
    const small = appliedThresholds({
      n: 120,
      details: {
        sampling: { referenceN: 300, categories: { intent: 31, confidence: 10, length: 8 } },
        ks: {
          confidence: { d: 0.2, p: 0.01, n1: 300, n2: 120 },
          length: { d: 0.05, p: 0.9, n1: 300, n2: 120 },
        },
        breaches: [{ metric: 'intentPsi', value: 4.256, threshold: 0.692 }],
      },
    });
    expect(small.intentPsi).toBe(0.692);
    expect(small.intentJs).toBeGreaterThan(0.1);
    // The KS critical D of 300 against 120 at p 0.001 is about 0.21, over the configured 0.1.
    expect(small.confidenceKs).toBeGreaterThan(0.2);
    // A report that kept no sample sizes was held to the configured thresholds.
    expect(appliedThresholds({ n: 5000, details: {} })).toMatchObject({ intentPsi: 0.25, confidenceKs: 0.1 });
  });
});
