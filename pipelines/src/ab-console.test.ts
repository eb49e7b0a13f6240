import { bareModelVersion, createTestDatabase, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  concludeExperimentFromConsole,
  experimentsOverview,
  stopExperimentFromConsole,
} from './ab-console.ts';
import type { TActor } from './access/roles.ts';
import { makeUser } from './workbench-fixtures.ts';

let db: TestDatabase;
let eli: TActor;
const ids: Record<string, string> = {};
beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
  eli = await makeUser(db.prisma, 'ENGINEER', 'eli');
  for (const v of ['x1', 'x2']) ids[v] = (await bareModelVersion(db.prisma, v)).id;
  await db.prisma.modelAlias.create({ data: { name: 'production', modelVersionId: ids.x1! } });
  await db.prisma.experiment.create({
    data: {
      name: 'retrain-x',
      status: 'RUNNING',
      startedAt: new Date(Date.now() - 3_600_000),
      variants: {
        create: [
          { name: 'control', modelVersionId: ids.x1!, weight: 0.5 },
          { name: 'treatment', modelVersionId: ids.x2!, weight: 0.5 },
        ],
      },
    },
  });
});
afterAll(() => db?.drop());

describe('experiments in the console', () => {
  it('shows results with the sequential test on the primary metric; stops and concludes with a reason', async () => {
    const [exp] = await experimentsOverview(db.prisma);
    expect(exp).toMatchObject({ metric: 'escalationRate', control: 'control' });
    // The automatic check's decision, not a bare p-value: here it waits for sessions.
    expect(exp?.ending).toBeNull();
    expect(exp?.decision).toEqual({
      verdict: 'too few sessions: "control" 0, "treatment" 0 of 100',
      detail: null,
    });
    // No sessions yet: nothing can be said.
    expect(exp?.variants.map((v) => [v.name, v.sequential])).toEqual([
      ['control', null],
      ['treatment', null],
    ]);
    const deps = { prisma: db.prisma, redis: null };
    await expect(
      stopExperimentFromConsole(deps, eli, { experimentId: exp!.experiment.id, reason: '' }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const stopped = await stopExperimentFromConsole(deps, eli, {
      experimentId: exp!.experiment.id,
      reason: 'enough data.', // written as a sentence: the line still ends with one full stop
    });
    expect(stopped.experiment.status).toBe('STOPPED');
    // Ended: the automatic check no longer acts on it, so no verdict; what happened instead, and by whom.
    const [afterStop] = await experimentsOverview(db.prisma);
    expect(afterStop?.decision).toBeNull();
    expect(afterStop?.ending).toMatch(
      new RegExp(`^Stopped by ${eli.email} at \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC: enough data\\.$`),
    );
    const concluded = await concludeExperimentFromConsole(deps, eli, {
      experimentId: exp!.experiment.id,
      winner: 'treatment',
      reason: 'fewer escalations',
    });
    expect(concluded.winner.name).toBe('treatment');
    expect((await experimentsOverview(db.prisma))[0]?.ending).toMatch(
      /^Concluded by .* UTC: "treatment" won \(fewer escalations\)\.$/,
    );
    expect(
      (await db.prisma.modelAlias.findUniqueOrThrow({ where: { name: 'production' } })).modelVersionId,
    ).toBe(ids.x2);
    const moves = await db.prisma.aliasHistory.findMany({ where: { alias: 'production' } });
    expect(moves.map((m) => [m.actor, m.reason])).toEqual([
      [eli.email, 'experiment "retrain-x" won by "treatment": fewer escalations'],
    ]);
    // The audit log names the engineer as every console entry does: by bare email.
    const audit = await db.prisma.auditLog.findMany({
      where: { action: { in: ['experiment.stop', 'experiment.conclude', 'model.alias.promote'] } },
      orderBy: { id: 'asc' },
    });
    expect(audit.map((a) => [a.action, a.actor, a.actorId])).toEqual([
      ['experiment.stop', eli.email, eli.id],
      ['experiment.conclude', eli.email, eli.id],
      ['model.alias.promote', eli.email, eli.id],
    ]);
  });
});
