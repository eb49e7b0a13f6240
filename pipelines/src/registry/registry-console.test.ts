import { createHash, randomUUID } from 'node:crypto';
import { registerModelVersion } from '@acsa/db/registry';
import { createTestDatabase, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TActor } from '../access/roles.ts';
import type { TEvalSummary } from '../retrain/outputs.ts';
import { makeUser } from '../workbench-fixtures.ts';
import { compareModels } from './compare-models.ts';
import { promoteFromConsole, rollbackFromConsole } from './console-moves.ts';
import { registryView } from './registry-view.ts';

let db: TestDatabase;
let eli: TActor;

const summary = (
  accuracy: number,
  f1: Record<string, number>,
  confusions?: TEvalSummary['confusions'],
): TEvalSummary => ({
  n: 200,
  accuracy,
  macroF1: accuracy - 0.02,
  inScopeAccuracy: accuracy,
  oosRecall: accuracy - 0.1,
  ece: 0.03,
  sizeBytes: 1000,
  p50LatencyMs: 0.1,
  p99LatencyMs: 0.3,
  p50EndToEndMs: 0.2,
  perIntent: Object.entries(f1).map(([intent, v]) => ({
    intent,
    support: 10,
    precision: v,
    recall: v,
    f1: v,
  })),
  ...(confusions ? { confusions } : {}),
});

async function register(
  version: string,
  dev: number,
  extra: { trainingRunId?: string; parent?: string } = {},
) {
  const onnx = new TextEncoder().encode(`bytes of ${version}`);
  return registerModelVersion(db.prisma, {
    version,
    kind: 'student-int8',
    manifest: {
      model: { sha256: createHash('sha256').update(onnx).digest('hex') },
      labels: ['track_order', 'get_refund'],
      featurizer: { version: 1 },
      metrics: { dev: { accuracy: dev, macroF1: dev - 0.01, oosRecall: 0.7 } },
    },
    onnx,
    trainingRunId: extra.trainingRunId ?? null,
    parentVersionId: extra.parent ?? null,
  });
}

/** A finished run whose evaluate step judged its candidate beside `production` on the same rows. */
async function runWithEvaluation(
  production: { id: string; version: string } | null,
  c: TEvalSummary,
  p: TEvalSummary | null,
) {
  const run = await db.prisma.trainingRun.create({
    data: {
      trigger: 'MANUAL',
      mode: 'NONE',
      status: 'SUCCEEDED',
      gate: { candidate: { accuracy: c.accuracy } },
    },
  });
  await db.prisma.trainingStep.createMany({
    data: [
      {
        runId: run.id,
        name: 'snapshot',
        position: 0,
        status: 'SUCCEEDED',
        output: {
          datasetVersionId: randomUUID(),
          datasetVersion: 1,
          dir: '/tmp/x',
          dataFile: '/tmp/x/data.jsonl',
          testFile: '/tmp/x/test.jsonl',
          production: production
            ? { versionId: production.id, version: production.version, bundleDir: '/tmp/p' }
            : null,
          training: { teacher: {}, student: {}, seed: 1 },
          counts: { train: 1, dev: 1, test: 200, labels: 0, heldBack: 0, testFrozenFrom: null },
        },
      },
      {
        runId: run.id,
        name: 'evaluate',
        position: 2,
        status: 'SUCCEEDED',
        output: { testRows: 200, candidate: c, production: p },
      },
    ],
  });
  return run.id;
}

beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
  eli = await makeUser(db.prisma, 'ENGINEER', 'eli');
});
afterAll(() => db?.drop());

describe('the registry in the console', () => {
  it('compares a candidate with the production it was judged against, on the same test rows', async () => {
    const v1 = await register('c-v1', 0.8);
    const runId = await runWithEvaluation(
      v1,
      summary(0.9, { track_order: 0.95, get_refund: 0.7, cancel_order: 0.8 }, [
        { gold: 'get_refund', predicted: 'cancel_order', n: 4 },
        { gold: 'track_order', predicted: 'get_refund', n: 1 },
      ]),
      summary(0.85, { track_order: 0.8, get_refund: 0.72, cancel_order: 0.8 }, [
        { gold: 'get_refund', predicted: 'cancel_order', n: 4 },
        { gold: 'track_order', predicted: 'get_refund', n: 6 },
      ]),
    );
    await register('c-v2', 0.82, { trainingRunId: runId, parent: v1.id });

    const cmp = await compareModels(db.prisma, { base: 'c-v1', candidate: 'c-v2' });
    expect(cmp.basis).toBe('same-test-rows');
    expect(cmp.headline[0]).toMatchObject({ metric: 'accuracy', base: 0.85, candidate: 0.9 });
    expect(cmp.headline[0]?.delta).toBeCloseTo(0.05);
    // Biggest move first, whichever way; unchanged intents last.
    expect(cmp.perIntent.map((r) => r.intent)).toEqual(['track_order', 'get_refund', 'cancel_order']);
    expect(cmp.perIntent[0]?.delta).toBeCloseTo(0.15);
    // The pair that did not move is left out.
    expect(cmp.confusions).toEqual([
      { gold: 'track_order', predicted: 'get_refund', base: 6, candidate: 1, delta: -5 },
    ]);

    // Asked the other way round, the same evaluation, sides swapped.
    const back = await compareModels(db.prisma, { base: 'c-v2', candidate: 'c-v1' });
    expect(back.basis).toBe('same-test-rows');
    expect(back.headline[0]).toMatchObject({ base: 0.9, candidate: 0.85 });
  });

  it('falls back to the dev figures, and says so, when no run evaluated both', async () => {
    await register('d-v1', 0.7);
    await register('d-v2', 0.75);
    const cmp = await compareModels(db.prisma, { base: 'd-v1', candidate: 'd-v2' });
    expect(cmp.basis).toBe('dev');
    expect(cmp.headline.map((h) => h.metric)).toEqual(['accuracy', 'macroF1', 'oosRecall']);
    expect(cmp.headline[1]?.delta).toBeCloseTo(0.05);
    expect(cmp.perIntent).toEqual([]);
    expect(cmp.confusions).toBeNull();
    await expect(compareModels(db.prisma, { base: 'd-v1', candidate: 'nope' })).rejects.toThrow(
      'no model version "nope"',
    );
  });

  it('promotes and rolls back only with a reason and the version the engineer saw, recorded and audited', async () => {
    const deps = { prisma: db.prisma, redis: null };
    await expect(
      promoteFromConsole(deps, eli, {
        version: 'd-v1',
        alias: 'production',
        reason: ' ',
        expectedFrom: null,
        expectedExperiment: null,
      }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const first = await promoteFromConsole(deps, eli, {
      version: 'd-v1',
      alias: 'production',
      reason: 'first model',
      expectedFrom: null,
      expectedExperiment: null,
    });
    expect(first).toMatchObject({ fromVersion: null, toVersion: 'd-v1', changed: true, announced: false });
    // Someone looking at a stale page (production at nothing) is refused.
    await expect(
      promoteFromConsole(deps, eli, {
        version: 'd-v2',
        alias: 'production',
        reason: 'stale',
        expectedFrom: null,
        expectedExperiment: null,
      }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    await promoteFromConsole(deps, eli, {
      version: 'd-v2',
      alias: 'production',
      reason: 'better dev',
      expectedFrom: 'd-v1',
      expectedExperiment: null,
    });
    await expect(
      promoteFromConsole(deps, eli, {
        version: 'gone',
        alias: 'production',
        reason: 'x y z',
        expectedFrom: 'd-v2',
        expectedExperiment: null,
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const view = await registryView(db.prisma);
    expect(view.aliases).toEqual([
      expect.objectContaining({ name: 'production', version: 'd-v2', rollbackTo: 'd-v1' }),
    ]);
    expect(view.versions.find((v) => v.version === 'c-v2')).toMatchObject({
      parent: 'c-v1',
      testAccuracy: 0.9,
      dev: { accuracy: 0.82 },
      run: { trigger: 'MANUAL' },
    });

    const back = await rollbackFromConsole(deps, eli, {
      alias: 'production',
      reason: 'refund answers regressed',
      expectedFrom: 'd-v2',
      expectedExperiment: null,
    });
    expect(back).toMatchObject({ fromVersion: 'd-v2', toVersion: 'd-v1' });
    await expect(
      rollbackFromConsole(deps, eli, {
        alias: 'production',
        reason: 'again',
        expectedFrom: 'd-v1',
        expectedExperiment: null,
      }),
    ).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/nothing to roll back to/) });

    const history = (await registryView(db.prisma)).history;
    expect(history.map((h) => [h.kind, h.from, h.to, h.actor, h.reason])).toEqual([
      ['ROLLBACK', 'd-v2', 'd-v1', eli.email, 'refund answers regressed'],
      ['PROMOTE', 'd-v1', 'd-v2', eli.email, 'better dev'],
      ['PROMOTE', null, 'd-v1', eli.email, 'first model'],
    ]);
    const audit = await db.prisma.auditLog.findMany({
      where: { targetType: 'ModelAlias', actorId: eli.id },
      orderBy: { id: 'asc' },
    });
    // Named by bare email, as every console entry is.
    expect(audit.map((a) => [a.action, a.actor])).toEqual([
      ['model.alias.promote', eli.email],
      ['model.alias.promote', eli.email],
      ['model.alias.rollback', eli.email],
    ]);
  });
});
