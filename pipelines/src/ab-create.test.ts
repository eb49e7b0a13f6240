import {
  bareModelVersion,
  createTestDatabase,
  type TestDatabase,
  testServiceUrls,
  withAuditRefused,
} from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { experimentsOverview } from './ab-console.ts';
import { createExperimentFromConsole, experimentChoices, ZCreateExperiment } from './ab-create.ts';
import { ACCURACY_UNDECIDABLE } from './ab-decide.ts';
import type { TActor } from './access/roles.ts';
import { makeUser } from './workbench-fixtures.ts';

let db: TestDatabase;
let eli: TActor;
const ids: Record<string, string> = {};
beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
  eli = await makeUser(db.prisma, 'ENGINEER', 'eli');
  for (const v of ['p1', 'c1']) ids[v] = (await bareModelVersion(db.prisma, v)).id;
});
afterAll(() => db?.drop());

const spec = (name: string) => ({
  name,
  challenger: 'c1',
  treatmentWeight: 0.2,
  primaryMetric: 'positive_feedback_rate' as const,
  autoPromote: true,
});

describe('creating an experiment from the console', () => {
  it('needs production to test against', async () => {
    await expect(createExperimentFromConsole({ prisma: db.prisma }, eli, spec('early'))).rejects.toThrow(
      /nothing in production/,
    );
  });

  it('starts the challenger against production with its weights, metric and autoPromote, audited as the engineer', async () => {
    await db.prisma.modelAlias.create({ data: { name: 'production', modelVersionId: ids.p1! } });
    const choices = await experimentChoices(db.prisma);
    expect(choices.production?.version).toBe('p1');
    expect(choices.challengers.map((v) => v.version)).toEqual(['c1']);

    // Its audit entry refused: no experiment, no variant alias, no alias move is left behind.
    await withAuditRefused(db.prisma, 'experiment.create', () =>
      expect(createExperimentFromConsole({ prisma: db.prisma }, eli, spec('c1-vs-p1'))).rejects.toThrow(
        /audit log refused/,
      ),
    );
    expect(await db.prisma.experiment.count()).toBe(0);
    expect(await db.prisma.aliasHistory.count()).toBe(0);
    expect(await db.prisma.modelAlias.count({ where: { name: { startsWith: 'experiment:' } } })).toBe(0);

    const exp = await createExperimentFromConsole({ prisma: db.prisma }, eli, spec('c1-vs-p1'));
    expect(exp).toMatchObject({
      status: 'RUNNING',
      primaryMetric: 'positive_feedback_rate',
      autoPromote: true,
    });
    expect(exp.variants.map((v) => [v.name, v.modelVersionId, v.weight])).toEqual([
      ['control', ids.p1, 0.8],
      ['treatment', ids.c1, 0.2],
    ]);
    const aliases = await db.prisma.modelAlias.findMany({ where: { name: { startsWith: 'experiment:' } } });
    expect(aliases.map((a) => a.name).sort()).toEqual([
      'experiment:c1-vs-p1:control',
      'experiment:c1-vs-p1:treatment',
    ]);
    // Every entry, and the alias history, names the engineer by bare email.
    const audit = await db.prisma.auditLog.findMany({ where: { actorId: eli.id }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => [a.action, a.actor, a.targetId])).toEqual([
      ['model.alias.experiment_start', eli.email, 'experiment:c1-vs-p1:control'],
      ['model.alias.experiment_start', eli.email, 'experiment:c1-vs-p1:treatment'],
      ['experiment.create', eli.email, exp.id],
    ]);
    expect(audit[2]?.data).toEqual({
      before: null,
      after: { ...spec('c1-vs-p1'), challengerVersionId: ids.c1 },
    });
    expect((await db.prisma.aliasHistory.findMany()).map((h) => h.actor)).toEqual([eli.email, eli.email]);

    const [shown] = await experimentsOverview(db.prisma);
    expect(shown).toMatchObject({ metric: 'positiveFeedbackRate' });
    expect(shown?.variants[0]?.intervals).toEqual({
      escalationRate: null,
      positiveFeedbackRate: null,
      accuracy: null,
    });
    expect((await experimentChoices(db.prisma)).running).toBe('c1-vs-p1');
  });

  it('refuses autoPromote on accuracy, naming the field and the reason, before anything is written', async () => {
    const accuracy = { ...spec('acc-auto'), primaryMetric: 'accuracy' as const };
    const parsed = ZCreateExperiment.safeParse(accuracy);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues).toEqual([
      expect.objectContaining({
        path: ['autoPromote'],
        message: `not with accuracy as primary metric: ${ACCURACY_UNDECIDABLE}`,
      }),
    ]);
    const before = await db.prisma.experiment.count();
    await expect(createExperimentFromConsole({ prisma: db.prisma }, eli, accuracy)).rejects.toThrow(
      /not with accuracy as primary metric/,
    );
    expect(await db.prisma.experiment.count()).toBe(before);
    // Accuracy decided by a person stays possible.
    expect(ZCreateExperiment.safeParse({ ...accuracy, autoPromote: false }).success).toBe(true);
  });

  it('refuses a second experiment while one runs, and production as its own challenger', async () => {
    await expect(createExperimentFromConsole({ prisma: db.prisma }, eli, spec('again'))).rejects.toThrow(
      /c1-vs-p1 is still running/,
    );
    await expect(
      createExperimentFromConsole({ prisma: db.prisma }, eli, {
        ...spec('self'),
        challenger: 'p1',
      }),
    ).rejects.toThrow(/already production/);
    // A name no version has, said of the field that named it.
    await expect(
      createExperimentFromConsole({ prisma: db.prisma }, eli, { ...spec('typo'), challenger: ' c9 ' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'no model version "c9"', field: 'challenger' });
    expect(await db.prisma.experiment.count()).toBe(1);
  });
});
