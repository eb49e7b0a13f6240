import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '@acsa/core/logger';
import { createTestDatabase, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import type { TFlowContext, TRetrainConfigInput } from '@acsa/pipelines';
import { ZRetrainConfig } from '@acsa/pipelines';
import { stopExperiment } from '@acsa/pipelines/experiments';
import { rollbackAlias } from '@acsa/pipelines/registry';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { registerBundleDir } from '../../test/fixtures.ts';
import { promoteStep } from './promote-step.ts';
import { candidateVersionName, registerStep } from './register-step.ts';
import type { TStepDeps } from './step-deps.ts';

// The last two steps on their own, against a real database: what they leave behind in every mode, and
// that running them again (as a retry after a crash does) changes nothing.
let db: TestDatabase;
let deps: TStepDeps;
const report = { progress: () => {}, log: () => {}, flush: async () => {} };
let productionId: string;

beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
  deps = {
    prisma: db.prisma,
    redis: null,
    workDir: mkdtempSync(path.join(tmpdir(), 'acsa-steps-')),
    logger: createLogger({ name: 'test', level: 'silent' }),
  };
  productionId = await registerBundleDir(db.prisma, inject('smallBundle'), 'prod-1');
  await db.prisma.modelAlias.create({ data: { name: 'production', modelVersionId: productionId } });
});
afterAll(() => db?.drop());
// Each test that needs an experiment running starts its own (runningExperiment), and none is left running
// for the next: a direct run's promotion is held back while one runs.
afterEach(async () => {
  const running = await db.prisma.experiment.findMany({ where: { status: 'RUNNING' }, select: { id: true } });
  for (const { id } of running)
    await stopExperiment(db.prisma, {
      experimentId: id,
      actor: { type: 'USER', display: 'ops@example.com' },
    });
});

/** A running experiment of production against a fresh version, as a person or an earlier run left it. */
async function runningExperiment(name: string) {
  const treatment = await registerBundleDir(db.prisma, inject('smallBundle'), `${name}-treatment`);
  return db.prisma.experiment.create({
    data: {
      name,
      status: 'RUNNING',
      startedAt: new Date(),
      variants: {
        create: [
          { name: 'control', modelVersionId: productionId, weight: 0.5 },
          { name: 'treatment', modelVersionId: treatment, weight: 0.5 },
        ],
      },
    },
  });
}

async function runWith(config: TRetrainConfigInput) {
  const run = await db.prisma.trainingRun.create({
    data: { trigger: 'MANUAL', mode: 'DIRECT', status: 'RUNNING', config: ZRetrainConfig.parse(config) },
  });
  await db.prisma.trainingStep.createMany({
    data: ['register', 'promote'].map((name, position) => ({ runId: run.id, name, position })),
  });
  return run;
}

function context(passed: boolean): TFlowContext {
  return {
    snapshot: {
      datasetVersionId: '0190a0b0-0000-7000-8000-00000000000a',
      datasetVersion: 1,
      dir: mkdtempSync(path.join(tmpdir(), 'acsa-run-')),
      dataFile: '',
      testFile: '',
      production: null,
      training: { teacher: {}, student: {}, seed: 1 },
      counts: { train: 1, dev: 0, test: 1, labels: 0, heldBack: 0, testFrozenFrom: null },
    },
    train: {
      bundleDir: inject('smallBundle'),
      sha256: '',
      sizeBytes: 1,
      devAccuracy: 0.9,
      devMacroF1: 0.9,
      trainRows: 1,
      backend: 'wasm',
      seconds: 1,
      maxRssMb: 1,
    },
    gate: {
      passed,
      reasons: passed ? [] : ['accuracy 12.00 % < floor 85.00 %'],
      checks: [],
      thresholds: {} as never,
      candidate: { accuracy: 0.9, macroF1: 0.9 },
      production: null,
    },
  };
}

describe('register and promote steps', () => {
  it('registers a run’s candidate once under a name derived from the run, however often it reruns', async () => {
    // The snapshot's dataset version must exist for the lineage link.
    const dataset = await db.prisma.dataset.create({ data: { name: 'snapshots-test' } });
    const dv = await db.prisma.datasetVersion.create({
      data: { datasetId: dataset.id, version: 1, source: 'SNAPSHOT', meta: {}, counts: {}, exampleCount: 0 },
    });
    const run = await runWith({ mode: 'none' });
    const ctx = context(true);
    ctx.snapshot!.datasetVersionId = dv.id;
    const a = await registerStep(deps, run.id, ctx, report);
    const b = await registerStep(deps, run.id, ctx, report);
    expect(b).toEqual(a);
    expect(a.version).toBe(candidateVersionName(run));
    expect(a.version).toMatch(/^intent-\d{4}\.\d{2}\.\d{2}-[0-9a-f]{8}$/);
    const rows = await db.prisma.modelVersion.findMany({ where: { trainingRunId: run.id } });
    expect(rows).toHaveLength(1);
    expect((rows[0]!.manifest as { name: string }).name).toBe(a.version);
    expect(rows[0]!.datasetVersionId).toBe(dv.id);
    expect(await registerStep(deps, run.id, context(false), report)).toEqual({
      skipped: true,
      versionId: null,
      version: null,
    });
  });

  it('starts an A/B experiment against production in experiment mode, once', async () => {
    const run = await runWith({ mode: 'experiment', experimentWeight: 0.2 });
    const candidate = await registerBundleDir(db.prisma, inject('smallBundle'), 'cand-exp');
    const ctx = { ...context(true), register: { skipped: false, versionId: candidate, version: 'cand-exp' } };
    const out = await promoteStep(deps, run.id, ctx, report);
    expect(out).toMatchObject({ mode: 'experiment', promoted: true });
    expect(await promoteStep(deps, run.id, ctx, report)).toEqual(out);
    const experiments = await db.prisma.experiment.findMany({
      where: { status: 'RUNNING' },
      include: { variants: true },
    });
    expect(experiments).toHaveLength(1);
    expect(experiments[0]!.variants.map((v) => [v.name, v.modelVersionId, v.weight]).sort()).toEqual([
      ['control', productionId, 0.8],
      ['treatment', candidate, 0.2],
    ]);
    const moves = await db.prisma.aliasHistory.findMany({
      where: { kind: 'EXPERIMENT_START', alias: { startsWith: `experiment:${experiments[0]!.name}:` } },
    });
    expect(moves.map((m) => m.alias).sort()).toEqual([
      `experiment:${experiments[0]!.name}:control`,
      `experiment:${experiments[0]!.name}:treatment`,
    ]);
    expect(
      (await db.prisma.modelAlias.findUniqueOrThrow({ where: { name: 'production' } })).modelVersionId,
    ).toBe(productionId);
    const after = await db.prisma.trainingRun.findUniqueOrThrow({
      where: { id: run.id },
      include: { steps: true },
    });
    expect(after.status).toBe('SUCCEEDED');
    expect(after.steps.find((s) => s.name === 'promote')?.status).toBe('SUCCEEDED');
  });

  it('does not start a second experiment while one runs, and shadows a candidate in shadow mode', async () => {
    const running = await runningExperiment('exp-busy');
    const before = await db.prisma.experiment.count();
    const busy = await runWith({ mode: 'experiment' });
    const c1 = await registerBundleDir(db.prisma, inject('smallBundle'), 'cand-busy');
    const out = await promoteStep(
      deps,
      busy.id,
      { ...context(true), register: { skipped: false, versionId: c1, version: 'cand-busy' } },
      report,
    );
    expect(out).toMatchObject({
      promoted: false,
      message: `experiment ${running.name} is still running; the candidate is registered but not in an experiment`,
    });
    expect(await db.prisma.experiment.count()).toBe(before);

    const shadow = await runWith({ mode: 'shadow' });
    const c2 = await registerBundleDir(db.prisma, inject('smallBundle'), 'cand-shadow');
    await promoteStep(
      deps,
      shadow.id,
      { ...context(true), register: { skipped: false, versionId: c2, version: 'cand-shadow' } },
      report,
    );
    expect((await db.prisma.modelAlias.findUniqueOrThrow({ where: { name: 'shadow' } })).modelVersionId).toBe(
      c2,
    );
    expect((await db.prisma.aliasHistory.findFirstOrThrow({ where: { alias: 'shadow' } })).kind).toBe(
      'SHADOW',
    );
  });

  it('keeps a direct run’s candidate out of production while an experiment runs, and leaves the experiment running', async () => {
    const running = await runningExperiment('exp-during-direct');
    const run = await runWith({ mode: 'direct' });
    const candidate = await registerBundleDir(db.prisma, inject('smallBundle'), 'cand-during-experiment');
    const logged: [string, string][] = [];
    const out = await promoteStep(
      deps,
      run.id,
      {
        ...context(true),
        register: { skipped: false, versionId: candidate, version: 'cand-during-experiment' },
      },
      { ...report, log: (line: string, level = 'info') => void logged.push([line, level]) },
    );
    const why = `registered, not promoted: experiment ${running.name} is running and sends all traffic to its variants, so production would serve no one; promote it from Models (which stops the experiment) or after the experiment ends`;
    expect(out).toMatchObject({ mode: 'direct', promoted: false, alias: null, message: why });
    expect(logged).toEqual([[why, 'warn']]);
    expect(
      (await db.prisma.modelAlias.findUniqueOrThrow({ where: { name: 'production' } })).modelVersionId,
    ).toBe(productionId);
    expect(await db.prisma.experiment.findUniqueOrThrow({ where: { id: running.id } })).toMatchObject({
      status: 'RUNNING',
    });
  });

  it('closes a rejected run with its register and promote steps skipped and no alias moved', async () => {
    const run = await runWith({ mode: 'direct' });
    const moves = await db.prisma.aliasHistory.count();
    const out = await promoteStep(deps, run.id, context(false), report);
    expect(out).toMatchObject({
      promoted: false,
      message: 'rejected by the gate: accuracy 12.00 % < floor 85.00 %',
    });
    const after = await db.prisma.trainingRun.findUniqueOrThrow({
      where: { id: run.id },
      include: { steps: true },
    });
    expect(after).toMatchObject({ status: 'REJECTED', progress: 100 });
    expect(after.steps.map((s) => s.status)).toEqual(['SKIPPED', 'SKIPPED']);
    expect(await db.prisma.aliasHistory.count()).toBe(moves);
  });

  it('register and promote nothing for a run cancelled while they wait to write', async () => {
    const run = await runWith({ mode: 'direct' });
    const moves = await db.prisma.aliasHistory.count();
    // The console's cancel holds the run's row (as cancelRun does) while register reaches its write.
    let registering!: Promise<unknown>;
    await db.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM "TrainingRun" WHERE id = ${run.id}::uuid FOR UPDATE`;
      registering = registerStep(deps, run.id, context(true), report).catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 300));
      await tx.trainingRun.update({ where: { id: run.id }, data: { status: 'CANCELLED' } });
    });
    expect(await registering).toMatchObject({ name: 'StepCancelledError' });
    expect(await db.prisma.modelVersion.count({ where: { trainingRunId: run.id } })).toBe(0);

    const ctx = {
      ...context(true),
      register: { skipped: false, versionId: productionId, version: 'prod-1' },
    };
    await expect(promoteStep(deps, run.id, ctx, report)).rejects.toMatchObject({
      name: 'StepCancelledError',
    });
    expect(await db.prisma.aliasHistory.count()).toBe(moves);
    expect(await db.prisma.trainingRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({
      status: 'CANCELLED',
    });
  });
});

describe('promote attempts that overlap (a timed-out attempt goes on beside its retry)', () => {
  /** A direct run whose snapshot saw production where it is now, as the gate compared with it. */
  async function directRun(version: string) {
    const run = await runWith({ mode: 'direct' });
    const candidate = await registerBundleDir(db.prisma, inject('smallBundle'), version);
    const seen = await db.prisma.modelAlias.findUniqueOrThrow({
      where: { name: 'production' },
      include: { modelVersion: true },
    });
    const base = context(true);
    const snapshot = {
      ...base.snapshot!,
      production: { versionId: seen.modelVersionId, version: seen.modelVersion.version, bundleDir: '' },
    };
    const ctx = { ...base, snapshot, register: { skipped: false, versionId: candidate, version } };
    return { run, candidate, ctx };
  }
  const productionMoves = (to: string) =>
    Promise.all([
      db.prisma.aliasHistory.count({ where: { alias: 'production', toVersionId: to } }),
      db.prisma.auditLog.count({
        where: { targetType: 'ModelAlias', targetId: 'production', data: { path: ['to'], equals: to } },
      }),
    ]);

  it('move production once when they run at the same time', async () => {
    const { run, candidate, ctx } = await directRun('cand-overlap');
    const [a, b] = await Promise.all([
      promoteStep(deps, run.id, ctx, report),
      promoteStep(deps, run.id, ctx, report),
    ]);
    expect(b).toEqual(a);
    expect(a).toMatchObject({ mode: 'direct', promoted: true, alias: 'production' });
    expect(
      (await db.prisma.modelAlias.findUniqueOrThrow({ where: { name: 'production' } })).modelVersionId,
    ).toBe(candidate);
    expect(await productionMoves(candidate)).toEqual([1, 1]);
  });

  it('move nothing when the late one finishes after the promotion was rolled back', async () => {
    const { run, candidate, ctx } = await directRun('cand-late');
    const before = (await db.prisma.modelAlias.findUniqueOrThrow({ where: { name: 'production' } }))
      .modelVersionId;
    const first = await promoteStep(deps, run.id, ctx, report);
    await rollbackAlias(
      { prisma: db.prisma },
      { actor: { type: 'USER', display: 'ops@example.com' }, reason: 'worse in production' },
    );
    const late = await promoteStep(deps, run.id, ctx, report);
    expect(late).toEqual(first);
    expect(
      (await db.prisma.modelAlias.findUniqueOrThrow({ where: { name: 'production' } })).modelVersionId,
    ).toBe(before);
    expect(await productionMoves(candidate)).toEqual([1, 1]);
  });

  it('promote nothing when production moved after the snapshot the gate compared with (a rollback meanwhile)', async () => {
    const { run, candidate, ctx } = await directRun('cand-after-rollback');
    const compared = ctx.snapshot.production.version;
    // An engineer rolls production back while the run trains.
    const back = await rollbackAlias(
      { prisma: db.prisma },
      { actor: { type: 'USER', display: 'ops@example.com' }, reason: 'complaints' },
    );
    const rolledTo = (await db.prisma.modelAlias.findUniqueOrThrow({ where: { name: 'production' } }))
      .modelVersionId;
    const out = await promoteStep(deps, run.id, ctx, report);
    expect(out).toMatchObject({ mode: 'direct', promoted: false, alias: null });
    expect(out.message).toContain(`not ${compared} as the gate compared; promote it from Models`);
    expect(
      (await db.prisma.modelAlias.findUniqueOrThrow({ where: { name: 'production' } })).modelVersionId,
    ).toBe(rolledTo);
    expect(back).toBeTruthy();
    expect(await productionMoves(candidate)).toEqual([0, 0]);
    // Registered, for a person to promote; the run is over.
    expect(await db.prisma.modelVersion.count({ where: { id: candidate } })).toBe(1);
    expect(await db.prisma.trainingRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({
      status: 'SUCCEEDED',
    });
  });

  it('close a run that failed after one of them recorded its promotion, when it is replayed', async () => {
    const { run, candidate, ctx } = await directRun('cand-replayed');
    const first = await promoteStep(deps, run.id, ctx, report);
    // The last attempt was failed at its limit after it had promoted; a replay reopens the run.
    await db.prisma.trainingRun.update({ where: { id: run.id }, data: { status: 'RUNNING' } });
    expect(await promoteStep(deps, run.id, ctx, report)).toEqual(first);
    expect(await db.prisma.trainingRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({
      status: 'SUCCEEDED',
    });
    expect(await productionMoves(candidate)).toEqual([1, 1]);
  });
});
