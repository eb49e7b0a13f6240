import { moveAlias } from '@acsa/db/registry';
import { bareModelVersion, createTestDatabase, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concludeExperiment } from './ab-lifecycle.ts';
import { listExperiments } from './ab-list.ts';
import { promoteVersion, rollbackAlias } from './registry/alias-moves.ts';
import { experimentAlias } from './registry/aliases.ts';

const check = { type: 'SYSTEM' as const, display: 'system:experiment-check' };
const trainer = { type: 'SYSTEM' as const, display: 'system:trainer' };
const person = { type: 'USER' as const, display: 'cli:ops' };
let db: TestDatabase;
let experimentId: string;
const ids: Record<string, string> = {};
const deps = () => ({ prisma: db.prisma, redis: null });

beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
  for (const v of ['e1', 'e2', 'e3']) ids[v] = (await bareModelVersion(db.prisma, v)).id;
  await promoteVersion(deps(), { ref: 'e1', actor: person });
  const exp = await db.prisma.experiment.create({
    data: {
      name: 'student-e2',
      status: 'RUNNING',
      startedAt: new Date(Date.now() - 3_600_000),
      variants: {
        create: [
          { name: 'control', modelVersionId: ids.e1!, weight: 0.5 },
          { name: 'treatment', modelVersionId: ids.e2!, weight: 0.5 },
        ],
      },
    },
  });
  experimentId = exp.id;
  for (const [variant, version] of [
    ['control', 'e1'],
    ['treatment', 'e2'],
  ] as const)
    await db.prisma.modelAlias.create({
      data: { name: experimentAlias('student-e2', variant), modelVersionId: ids[version]! },
    });
});
afterAll(() => db?.drop());

const production = async () =>
  (await db.prisma.modelAlias.findUniqueOrThrow({ where: { name: 'production' } })).modelVersionId;
const rows = async () => ({
  history: await db.prisma.aliasHistory.count(),
  audit: await db.prisma.auditLog.count(),
});

describe('concluding an experiment after production moved on', () => {
  it('leaves the newer production, ends the experiment stopped with no winner, and says why', async () => {
    // Production moves to e3 underneath the experiment (e1 against e2) without stopping it: a bare registry
    // move, since a direct retrain holds back while an experiment runs and a move by hand stops it.
    await moveAlias(db.prisma, {
      alias: 'production',
      toVersionId: ids.e3!,
      kind: 'PROMOTE',
      actor: trainer,
      reason: 'retraining run: gate passed',
    });

    const r = await concludeExperiment(db.prisma, {
      experimentId,
      winner: 'treatment',
      actor: check,
      reason: 'treatment escalates less',
    });

    const why =
      'production had moved to e3 since experiment "student-e2" started on e1, so the winner treatment (e2) was not promoted; promote it by hand (Models, or acsa models promote) if it should still go';
    expect(await production()).toBe(ids.e3);
    expect(r).toMatchObject({ promoted: false, message: why, move: { changed: false } });
    expect(r.experiment).toMatchObject({ status: 'STOPPED', winnerVariantId: null });
    expect(r.experiment.stoppedAt).not.toBeNull();
    // What `acsa experiments list` and the console's badges read: stopped, no winner.
    const [listed] = await listExperiments(db.prisma);
    expect(listed).toMatchObject({ name: 'student-e2', status: 'STOPPED', winner: null });
    // The split is over all the same, each alias removal recorded.
    expect(await db.prisma.modelAlias.count({ where: { name: { startsWith: 'experiment:' } } })).toBe(0);
    expect(
      await db.prisma.aliasHistory.count({
        where: { kind: 'EXPERIMENT_STOP', reason: 'treatment escalates less' },
      }),
    ).toBe(2);
    const audit = await db.prisma.auditLog.findMany({
      where: { action: { in: ['experiment.conclude', 'model.alias.promote'] } },
      orderBy: { id: 'asc' },
    });
    expect(audit.map((a) => [a.action, a.actor])).toEqual([
      ['model.alias.promote', person.display],
      ['model.alias.promote', trainer.display],
      ['experiment.conclude', check.display],
    ]);
    expect(audit.at(-1)?.data).toMatchObject({
      winner: 'treatment',
      promoted: false,
      production: 'e3',
      control: 'e1',
      outcome: why,
      reason: 'treatment escalates less',
    });
  });

  it('refuses again without a trace while production stays moved, and promotes once it is back on the control', async () => {
    const before = await rows();
    const again = await concludeExperiment(db.prisma, { experimentId, winner: 'treatment', actor: person });
    expect(again).toMatchObject({
      promoted: false,
      experiment: { status: 'STOPPED', winnerVariantId: null },
    });
    expect(await production()).toBe(ids.e3);
    expect(await rows()).toEqual(before);

    // e3 rolled back: production is the version the winner was compared with again.
    await rollbackAlias(deps(), { actor: person, reason: 'e3 untested against e2' });
    const done = await concludeExperiment(db.prisma, { experimentId, winner: 'treatment', actor: person });
    expect(done).toMatchObject({
      promoted: true,
      message: 'production now serves treatment (e2)',
      move: { fromVersionId: ids.e1, toVersionId: ids.e2, changed: true },
      experiment: { status: 'CONCLUDED', winnerVariantId: done.winner.id },
    });
    expect(await production()).toBe(ids.e2);
  });
});
