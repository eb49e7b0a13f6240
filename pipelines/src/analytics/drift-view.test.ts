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

  it('keeps the newest windows when there are more than it reads, and says how many it left out', async () => {
    const busy = await version('dv-busy');
    await report(busy.id, 6, 0.05);
    await report(busy.id, 7, 0.05);
    await report(busy.id, 11, 0.7, true);
    const all = await driftView(db.prisma, { now });
    expect([all.shown, all.total]).toEqual([7, 7]);
    const cut = await driftView(db.prisma, { now, limit: 3 });
    expect([cut.shown, cut.total]).toEqual([3, 7]);
    // The newest three windows (10:00 twice, 11:00 with its alert), oldest first; 06:00–09:00 are left out.
    const kept = cut.versions.flatMap((v) => v.windows.map((w) => [v.version, w.start.getUTCHours()]));
    expect(kept.sort()).toEqual([
      ['dv-busy', 11],
      ['dv-new', 10],
      ['dv-shadow', 10],
    ]);
    expect(cut.versions[0]).toMatchObject({ version: 'dv-busy', alerts: 1 });
  });

  it('charts every hour from a version’s first window, the ones without a report as gaps', async () => {
    const gappy = await version('dv-gappy');
    await report(gappy.id, 5, 0.05);
    // 06:00–08:00 unreported (the trainer was down), then 09:00; nothing since.
    await report(gappy.id, 9, 0.3, true);
    const view = await driftView(db.prisma, { now });
    const v = view.versions.find((x) => x.version === 'dv-gappy');
    // Up to the hour under way (12:00, not reported until it ends).
    expect(view.to).toEqual(hour(12));
    expect(v?.hourly.map((h) => [h.hour.toISOString().slice(11, 13), h.window?.intentPsi ?? 'gap'])).toEqual([
      ['05', 0.05],
      ['06', 'gap'],
      ['07', 'gap'],
      ['08', 'gap'],
      ['09', 0.3],
      ['10', 'gap'],
      ['11', 'gap'],
    ]);
    // A version first reported later starts later, rather than with hours it was never monitored in.
    expect(view.versions.find((x) => x.version === 'dv-busy')?.hourly[0]?.hour).toEqual(hour(6));
  });
});

describe('applied thresholds', () => {
  // As the drift check stores them: the configured thresholds and, beside them, those it applied.
  const kept = (effective: Record<string, number>) => ({ thresholds: { intentPsi: 0.25, effective } });
  const applied = {
    intentPsi: 0.692,
    intentJs: 0.125,
    confidencePsi: 0.31,
    lengthPsi: 0.27,
    confidenceKs: 0.213,
    lengthKs: 0.213,
  };

  it('are the ones the drift check kept with the report', () => {
    expect(appliedThresholds(kept(applied))).toEqual(applied);
  });

  it('a breach’s own wins, as it was what the window crossed', () => {
    // Reports written before the check kept the KS critical D had the configured KS floor as applied.
    const stale = {
      ...kept({ ...applied, confidenceKs: 0.1 }),
      breaches: [
        { metric: 'confidenceKs', value: 0.3, threshold: 0.213 },
        { metric: 'unknownTokenRate', value: 0.3, threshold: 0.2 },
      ],
    };
    expect(appliedThresholds(stale)).toEqual(applied);
  });

  it('are the configured ones where a report kept none', () => {
    const { confidenceKs: _c, lengthKs: _l, ...beforeKs } = applied;
    expect(appliedThresholds(kept(beforeKs))).toEqual({ ...beforeKs, confidenceKs: 0.1, lengthKs: 0.1 });
    expect(appliedThresholds({})).toEqual({
      intentPsi: 0.25,
      intentJs: 0.1,
      confidencePsi: 0.25,
      lengthPsi: 0.25,
      confidenceKs: 0.1,
      lengthKs: 0.1,
    });
  });
});
