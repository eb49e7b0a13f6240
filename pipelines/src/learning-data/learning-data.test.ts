import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
  testServiceUrls,
  withAuditRefused,
} from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TActor } from '../access/roles.ts';
import { createRetrainClient } from '../retrain/retrain-client.ts';
import { submitLabel } from '../review/label-actions.ts';
import { makeConversation, makeUser } from '../workbench-fixtures.ts';
import { listDatasetVersions } from './dataset-versions.ts';
import { newLabelsSinceRetrain } from './new-labels.ts';
import { retrainRunView } from './run-view.ts';
import { startRetrainFromConsole } from './start-retrain.ts';

let db: TestDatabase;
let redis: TestRedis;
let eli: TActor;
beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
  redis = await createTestRedis(testServiceUrls().redisUrl);
  eli = await makeUser(db.prisma, 'ENGINEER', 'eli');
  await db.prisma.reviewSettings.update({ where: { id: 1 }, data: { overlapShare: 0 } });
});
afterAll(async () => {
  await redis?.cleanup();
  await db?.drop();
});

describe('labels become data', () => {
  it('a dataset version shows its counts per split, intent and source', async () => {
    const ds = await db.prisma.dataset.create({ data: { name: 'bootstrap' } });
    await db.prisma.datasetVersion.create({
      data: {
        datasetId: ds.id,
        version: 1,
        source: 'BOOTSTRAP',
        meta: {},
        counts: {},
        exampleCount: 3,
        examples: {
          create: [
            { text: 'a', key: 'a', intent: 'track_order', source: 'BOOTSTRAP', split: 'TRAIN' },
            { text: 'b', key: 'b', intent: 'track_order', source: 'LABEL', split: 'TRAIN' },
            { text: 'c', key: 'c', intent: 'get_refund', source: 'BOOTSTRAP', split: 'TEST' },
          ],
        },
      },
    });
    const [v] = await listDatasetVersions(db.prisma);
    expect(v).toMatchObject({
      dataset: 'bootstrap',
      version: 1,
      splits: { train: 2, dev: 0, test: 1 },
      intents: [
        { intent: 'track_order', n: 2 },
        { intent: 'get_refund', n: 1 },
      ],
      sources: [
        { source: 'BOOTSTRAP', n: 2 },
        { source: 'LABEL', n: 1 },
      ],
    });
  });

  it('counts a run on each version it used: the snapshot it trained on and the versions that fed it', async () => {
    const bootstrap = await db.prisma.datasetVersion.findFirstOrThrow({ where: { source: 'BOOTSTRAP' } });
    const ds = await db.prisma.dataset.create({ data: { name: 'snapshot' } });
    const snapshot = await db.prisma.datasetVersion.create({
      data: {
        datasetId: ds.id,
        version: 1,
        source: 'SNAPSHOT',
        meta: { sources: [{ dataset: 'bootstrap', version: 1, id: bootstrap.id }] },
        counts: {},
        exampleCount: 0,
      },
    });
    await db.prisma.trainingRun.create({
      data: { trigger: 'MANUAL', mode: 'NONE', datasetVersionId: snapshot.id },
    });
    const runs = Object.fromEntries(
      (await listDatasetVersions(db.prisma)).map((v) => [`${v.dataset} v${v.version}`, v.runs]),
    );
    expect(runs).toEqual({ 'snapshot v1': 1, 'bootstrap v1': 1 });
    await db.prisma.trainingRun.deleteMany();
    await db.prisma.datasetVersion.delete({ where: { id: snapshot.id } });
  });

  it('counts new labels, and the button starts one run and resets the count', async () => {
    const rae = await makeUser(db.prisma, 'REVIEWER', 'rae');
    for (const t of ['one', 'two']) {
      const c = await makeConversation(db.prisma, [{ text: t, intent: 'track_order', confidence: 0.2 }]);
      const item = await db.prisma.reviewItem.findUniqueOrThrow({
        where: { messageId: c.userMessageIds[0] },
      });
      await submitLabel(db.prisma, rae, { reviewItemId: item.id, intent: 'track_order', entities: [] });
    }
    expect(await newLabelsSinceRetrain(db.prisma)).toEqual({ count: 2, since: null });
    const client = createRetrainClient({
      prisma: db.prisma,
      connection: { url: redis.url },
      prefix: redis.prefix,
    });
    try {
      // An audit entry that cannot be written: the press starts nothing, and the labels still count as new.
      await withAuditRefused(db.prisma, 'retrain.request', () =>
        expect(startRetrainFromConsole(db.prisma, eli, client)).rejects.toThrow(/audit log refused/),
      );
      expect(await db.prisma.trainingRun.count()).toBe(0);
      expect((await newLabelsSinceRetrain(db.prisma)).count).toBe(2);

      const first = await startRetrainFromConsole(db.prisma, eli, client);
      const again = await startRetrainFromConsole(db.prisma, eli, client);
      expect(first.started).toBe(true);
      expect(again).toMatchObject({ started: false, runId: first.runId });
      expect(await db.prisma.trainingRun.findUniqueOrThrow({ where: { id: first.runId } })).toMatchObject({
        trigger: 'MANUAL',
        requestedById: eli.id,
      });
      expect((await newLabelsSinceRetrain(db.prisma)).count).toBe(0);
      expect(await retrainRunView(db.prisma, first.runId)).toMatchObject({
        status: 'QUEUED',
        snapshot: null,
        gate: null,
      });
      const audit = await db.prisma.auditLog.findMany({
        where: { action: 'retrain.request' },
        orderBy: { id: 'asc' },
      });
      expect(audit.map((a) => [a.targetId, a.actor, (a.data as { after: object }).after])).toEqual([
        [first.runId, eli.email, expect.objectContaining({ started: true, newLabels: 2 })],
        [first.runId, eli.email, expect.objectContaining({ started: false, newLabels: 0 })],
      ]);
    } finally {
      await client.close();
    }
  });
});
