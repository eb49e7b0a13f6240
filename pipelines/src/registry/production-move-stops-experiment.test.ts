import { bareModelVersion, createTestDatabase, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { experimentEndings } from '../ab-ending.ts';
import { makeUser } from '../workbench-fixtures.ts';
import { promoteVersion, rollbackAlias } from './alias-moves.ts';
import { experimentAlias } from './aliases.ts';
import { promoteFromConsole, rollbackFromConsole } from './console-moves.ts';

// While an experiment runs, serving sends every session to its variants and production answers no one: a
// move of production by hand (an emergency rollback above all) must reach customers, so it stops the
// experiment in its own transaction, recorded as any other stop.
let db: TestDatabase;
const ids: Record<string, string> = {};
const person = { type: 'USER' as const, display: 'cli:ops' };
const deps = () => ({ prisma: db.prisma, redis: null });
let n = 0;

beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
  for (const v of ['p1', 'p2', 'p3']) ids[v] = (await bareModelVersion(db.prisma, v)).id;
});
afterAll(() => db?.drop());

/** Production on p1, then on p2 (so a rollback has somewhere to go), and an experiment p2 vs p3 running. */
async function running(): Promise<{ id: string; name: string }> {
  await db.prisma.experiment.updateMany({ where: { status: 'RUNNING' }, data: { status: 'STOPPED' } });
  await promoteVersion(deps(), { ref: 'p1', actor: person });
  await promoteVersion(deps(), { ref: 'p2', actor: person });
  const name = `exp-${++n}`;
  const exp = await db.prisma.experiment.create({
    data: {
      name,
      status: 'RUNNING',
      startedAt: new Date(),
      variants: {
        create: [
          { name: 'control', modelVersionId: ids.p2!, weight: 0.5 },
          { name: 'treatment', modelVersionId: ids.p3!, weight: 0.5 },
        ],
      },
    },
  });
  for (const [variant, v] of [
    ['control', 'p2'],
    ['treatment', 'p3'],
  ] as const)
    await db.prisma.modelAlias.create({
      data: { name: experimentAlias(name, variant), modelVersionId: ids[v]! },
    });
  return { id: exp.id, name };
}

const statusOf = async (id: string) =>
  (await db.prisma.experiment.findUniqueOrThrow({ where: { id } })).status;
const variantAliases = (name: string) =>
  db.prisma.modelAlias.count({ where: { name: { startsWith: `experiment:${name}:` } } });

describe('moving production by hand while an experiment runs', () => {
  let exp: { id: string; name: string };
  beforeEach(async () => {
    exp = await running();
  });

  it('a rollback stops the experiment, recorded as a stop, and says so', async () => {
    const r = await rollbackAlias(deps(), { actor: person, reason: 'p2 answers refunds badly' });
    expect(r).toMatchObject({ fromVersion: 'p2', toVersion: 'p1', stoppedExperiments: [exp.name] });
    // The line the CLI prints and the console announces names the stop beside the move.
    expect(r.headline).toBe(`production: p2 → p1; experiment ${exp.name} stopped`);
    expect(await statusOf(exp.id)).toBe('STOPPED');
    expect(await variantAliases(exp.name)).toBe(0);
    const why = 'production moved by hand (rollback to p1): p2 answers refunds badly';
    expect(
      await db.prisma.aliasHistory.count({
        where: { kind: 'EXPERIMENT_STOP', alias: { startsWith: `experiment:${exp.name}:` }, reason: why },
      }),
    ).toBe(2);
    const audit = await db.prisma.auditLog.findFirstOrThrow({
      where: { action: 'experiment.stop', targetId: exp.id },
    });
    expect(audit).toMatchObject({ actor: person.display });
    expect(audit.data).toMatchObject({ name: exp.name, reason: why, stoppedBy: 'production.rollback' });
    // The experiments page and `acsa experiments show` say so in place of the automatic check's verdict.
    const ending = (await experimentEndings(db.prisma, [{ id: exp.id, status: 'STOPPED' }])).get(exp.id);
    expect(ending).toBe(
      `Stopped by cli:ops at ${audit.at.toISOString().slice(0, 16).replace('T', ' ')} UTC: ${why}.`,
    );
  });

  it('a promotion stops it too; a move of shadow, or one that moves nothing, leaves it running', async () => {
    expect((await promoteVersion(deps(), { ref: 'p3', alias: 'shadow', actor: person })).headline).toBe(
      'shadow: (none) → p3',
    );
    expect(await promoteVersion(deps(), { ref: 'p2', actor: person })).toMatchObject({
      changed: false,
      stoppedExperiments: [],
    });
    expect(await statusOf(exp.id)).toBe('RUNNING');
    const r = await promoteVersion(deps(), { ref: 'p3', actor: person, reason: 'ship it' });
    expect(r).toMatchObject({ toVersion: 'p3', stoppedExperiments: [exp.name] });
    expect(await statusOf(exp.id)).toBe('STOPPED');
  });

  it('from the console, only the experiment the dialog named: another refuses the move, nothing changes', async () => {
    const eli = await makeUser(db.prisma, 'ENGINEER', 'eli');
    const confirmed = { alias: 'production' as const, reason: 'complaints', expectedFrom: 'p2' };
    await expect(
      rollbackFromConsole(deps(), eli, { ...confirmed, expectedExperiment: null }),
    ).rejects.toThrow(
      `experiment "${exp.name}" started since you looked, and moving production would stop it; reload and decide again`,
    );
    expect(await statusOf(exp.id)).toBe('RUNNING');
    const production = await db.prisma.modelAlias.findUniqueOrThrow({ where: { name: 'production' } });
    expect(production.modelVersionId).toBe(ids.p2);

    const r = await promoteFromConsole(deps(), eli, {
      ...confirmed,
      version: 'p1',
      expectedExperiment: exp.name,
    });
    expect(r).toMatchObject({ toVersion: 'p1', stoppedExperiments: [exp.name] });
    expect(await statusOf(exp.id)).toBe('STOPPED');
  });
});
