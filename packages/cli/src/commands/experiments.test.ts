import { createHash } from 'node:crypto';
import { registerModelVersion } from '@acsa/db/registry';
import { createTestDatabase, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register } from './experiments.ts';
import { cliInProcess } from './in-process.test-helper.ts';

let db: TestDatabase;
const ids: Record<string, string> = {};

beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
  process.env.DATABASE_URL = db.url;
  // No Redis here: announcements are skipped and serving would notice on its next registry poll.
  process.env.REDIS_URL = 'redis://127.0.0.1:1';
  for (const v of ['m1', 'm2']) {
    const onnx = new TextEncoder().encode(v);
    const sha256 = createHash('sha256').update(onnx).digest('hex');
    const mv = await registerModelVersion(db.prisma, {
      version: v,
      kind: 'student-int8',
      onnx,
      manifest: { model: { sha256 }, labels: ['a'], featurizer: { version: 1 } },
    });
    ids[v] = mv.id;
  }
  await db.prisma.modelAlias.create({ data: { name: 'production', modelVersionId: ids.m1! } });
  await db.prisma.experiment.create({
    data: {
      name: 'retrain-1',
      status: 'RUNNING',
      startedAt: new Date(Date.now() - 3_600_000),
      variants: {
        create: [
          { name: 'control', modelVersionId: ids.m1!, weight: 0.9 },
          { name: 'treatment', modelVersionId: ids.m2!, weight: 0.1 },
        ],
      },
    },
  });
});
afterAll(() => db?.drop());

const acsa = cliInProcess(register);

describe('acsa experiments', () => {
  it('lists, shows, stops and concludes, promoting the winner', async () => {
    expect(await acsa('experiments', 'list')).toMatch(
      /^retrain-1\s+running .*control=m1 \(0\.9\), treatment=m2 \(0\.1\)/,
    );
    const shown = JSON.parse(await acsa('experiments', 'show', 'retrain-1', '--json'));
    expect(shown.variants.map((v: { name: string; sessions: number }) => [v.name, v.sessions])).toEqual([
      ['control', 0],
      ['treatment', 0],
    ]);
    expect(shown.decision).toEqual({
      verdict: 'too few sessions: "control" 0, "treatment" 0 of 100',
      detail: null,
    });
    const text = await acsa('experiments', 'show', 'retrain-1');
    expect(text).toMatch(/sample ratio: χ² 0\.00, p = 1\.00/);
    // What the console's "Automatic check" says, from the same decision the scheduled check acts on.
    expect(text.split('\n').at(-1)).toBe(
      '  automatic check: too few sessions: "control" 0, "treatment" 0 of 100',
    );
    expect(await acsa('experiments', 'stop', 'retrain-1', '--reason', 'enough')).toBe('retrain-1 stopped');
    expect(await acsa('experiments', 'conclude', 'retrain-1', '--winner', 'treatment')).toBe(
      'retrain-1 concluded: treatment won; production now serves its model',
    );
    const production = await db.prisma.modelAlias.findUniqueOrThrow({ where: { name: 'production' } });
    expect(production.modelVersionId).toBe(ids.m2);
    // Ended: its counts are stored and recounted daily, and the first line says when they were made.
    const ended = (await acsa('experiments', 'show', 'retrain-1')).split('\n');
    expect(ended[0]).toMatch(/^retrain-1\s+concluded .* control: control\s+\(counted just now\)$/);
    // The automatic check acts on running experiments only: an ended one says how it ended instead.
    expect(ended.filter((l) => l.includes('automatic check'))).toEqual([]);
    expect(ended.at(-1)).toMatch(
      /^ {2}ended: Concluded by cli:\S+ at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC: "treatment" won\.$/,
    );
    expect(JSON.parse(await acsa('experiments', 'show', 'retrain-1', '--json'))).toMatchObject({
      decision: null,
    });
    await expect(acsa('experiments', 'show', 'nope')).rejects.toThrow('no experiment "nope"');
    await expect(acsa('experiments', 'conclude', 'retrain-1', '--winner', 'control')).rejects.toThrow(
      /already concluded with another winner/,
    );
  });

  it('list ends with how many experiments it left out and the --limit that lists them all', async () => {
    // More experiments than the 50 a list shows by default.
    await db.prisma.experiment.createMany({
      data: Array.from({ length: 50 }, (_, i) => ({
        name: `old-${i}`,
        status: 'STOPPED' as const,
        createdAt: new Date(Date.now() - (i + 1) * 86_400_000),
      })),
    });
    const total = await db.prisma.experiment.count();
    const shown = (await acsa('experiments', 'list')).split('\n');
    expect(shown.filter((l) => !l.startsWith('…'))).toHaveLength(50);
    expect(shown.at(-1)).toBe(`… and ${total - 50} more experiment: --limit ${total} lists every one`);
    const all = await acsa('experiments', 'list', '--limit', String(total));
    expect(all.split('\n')).toHaveLength(total);
    expect(all).not.toContain('… and');
  });

  it('conclude says so when production moved since the experiment started, and leaves it there', async () => {
    const m3 = await registerModelVersion(db.prisma, {
      version: 'm3',
      kind: 'student-int8',
      onnx: new TextEncoder().encode('m3'),
      manifest: {
        model: { sha256: createHash('sha256').update('m3').digest('hex') },
        labels: ['a'],
        featurizer: { version: 1 },
      },
    });
    await db.prisma.experiment.create({
      data: {
        name: 'retrain-2',
        status: 'RUNNING',
        startedAt: new Date(Date.now() - 3_600_000),
        variants: {
          create: [
            { name: 'control', modelVersionId: ids.m2!, weight: 0.5 },
            { name: 'treatment', modelVersionId: ids.m1!, weight: 0.5 },
          ],
        },
      },
    });
    // Promoted by hand (or a direct retrain) while retrain-2 runs against m2.
    await db.prisma.modelAlias.update({ where: { name: 'production' }, data: { modelVersionId: m3.id } });
    // Exit 3, as `acsa retrain --wait` when nothing was promoted: a script must not take it for a promotion.
    await expect(acsa('experiments', 'conclude', 'retrain-2', '--winner', 'treatment')).rejects.toMatchObject(
      {
        message:
          'retrain-2 stopped: production had moved to m3 since experiment "retrain-2" started on m2, so the winner treatment (m1) was not promoted; promote it by hand (Models, or acsa models promote) if it should still go',
        exitCode: 3,
      },
    );
    const production = await db.prisma.modelAlias.findUniqueOrThrow({ where: { name: 'production' } });
    expect(production.modelVersionId).toBe(m3.id);
    expect(await acsa('experiments', 'list')).toMatch(/^retrain-2\s+stopped .*treatment=m1 \(0\.5\)$/m);
  });
});
