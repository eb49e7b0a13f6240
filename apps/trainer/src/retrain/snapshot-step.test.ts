import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '@acsa/core/logger';
import { createTestDatabase, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { ZRetrainConfig } from '@acsa/pipelines';
import type { TActor } from '@acsa/pipelines/access';
import { adjudicate } from '@acsa/pipelines/agreement';
import { submitLabel, type TEntitySpan, undoLastLabel } from '@acsa/pipelines/review';
import { makeConversation, makeUser } from '@acsa/pipelines/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertDataset } from '../../test/fixtures.ts';
import { snapshotStep } from './snapshot-step.ts';
import type { TStepDeps } from './step-deps.ts';

// Reviewers' labels reaching the snapshot through the console's own operations (label, undo, adjudicate)
// against a real database: a labeled turn is trained on with the intent and the spans people gave it.
let db: TestDatabase;
let deps: TStepDeps;
let rae: TActor;
let sam: TActor;
let eli: TActor;
const report = { progress: () => {}, log: () => {}, flush: async () => {} };
const span = (type: string, text: string, value: string): TEntitySpan => {
  const start = text.indexOf(value);
  return { type, value, start, end: start + value.length };
};

beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
  deps = {
    prisma: db.prisma,
    redis: null,
    workDir: mkdtempSync(path.join(tmpdir(), 'acsa-snapshot-')),
    logger: createLogger({ name: 'test', level: 'silent' }),
  };
  await db.prisma.reviewSettings.update({ where: { id: 1 }, data: { overlapShare: 0 } });
  [rae, sam, eli] = await Promise.all([
    makeUser(db.prisma, 'REVIEWER', 'rae'),
    makeUser(db.prisma, 'REVIEWER', 'sam'),
    makeUser(db.prisma, 'ENGINEER', 'eli'),
  ]);
});
afterAll(() => db?.drop());

/** A low-confidence customer turn, as serving writes it; the review item the database makes for it. */
async function turn(text: string, requiredLabels = 1) {
  const c = await makeConversation(db.prisma, [{ text, intent: 'track_order', confidence: 0.2 }]);
  const messageId = c.userMessageIds[0]!;
  const item = await db.prisma.reviewItem.update({ where: { messageId }, data: { requiredLabels } });
  return { messageId, reviewItemId: item.id };
}

/** Runs the snapshot step for a new run; the snapshot's rows by origin. */
async function snapshot() {
  const run = await db.prisma.trainingRun.create({
    data: { trigger: 'MANUAL', mode: 'DIRECT', status: 'RUNNING', config: ZRetrainConfig.parse({}) },
  });
  const out = await snapshotStep(deps, run.id, report);
  const rows = await db.prisma.example.findMany({
    where: { datasetVersionId: out.datasetVersionId },
    select: { text: true, intent: true, entities: true, source: true, origin: true },
  });
  return new Map(rows.map((r) => [r.origin, r]));
}

describe('snapshot of reviewers’ labels', () => {
  it('carries the spans the reviewer gave, corrections included, not the source row’s', async () => {
    const moved = 'where is order A123 please';
    const removed = 'refund A123 to a@b.co';
    const fresh = 'send it to a@b.co today';
    await insertDataset(db.prisma, 'imported', [
      // Source rows with spans a reviewer will correct: one misplaced, one that should not be there.
      { text: moved, intent: 'track_order', split: 'train', entities: [span('order_id', moved, 'order')] },
      { text: removed, intent: 'get_refund', split: 'train', entities: [span('email', removed, 'a@b.co')] },
    ]);
    const a = await turn(moved);
    const b = await turn(removed);
    const c = await turn(fresh);
    await submitLabel(db.prisma, rae, {
      reviewItemId: a.reviewItemId,
      intent: 'track_order',
      entities: [span('order_id', moved, 'A123')],
    });
    await submitLabel(db.prisma, rae, {
      reviewItemId: c.reviewItemId,
      intent: 'change_shipping_address',
      entities: [span('email', fresh, 'a@b.co')],
    });
    // A correction: rae labels with two spans, takes it back (z) and labels again without the email.
    await submitLabel(db.prisma, rae, {
      reviewItemId: b.reviewItemId,
      intent: 'get_refund',
      entities: [span('order_id', removed, 'A123'), span('email', removed, 'a@b.co')],
    });
    await undoLastLabel(db.prisma, rae);
    await submitLabel(db.prisma, rae, {
      reviewItemId: b.reviewItemId,
      intent: 'get_refund',
      entities: [span('order_id', removed, 'A123')],
    });

    const rows = await snapshot();
    expect(rows.get(`message:${a.messageId}`)).toMatchObject({
      intent: 'track_order',
      source: 'LABEL',
      entities: [{ type: 'order_id', value: 'A123', start: 15, end: 19 }],
    });
    expect(rows.get(`message:${b.messageId}`)).toMatchObject({
      intent: 'get_refund',
      entities: [{ type: 'order_id', value: 'A123', start: 7, end: 11 }],
    });
    expect(rows.get(`message:${c.messageId}`)).toMatchObject({
      intent: 'change_shipping_address',
      entities: [{ type: 'email', value: 'a@b.co', start: 11, end: 17 }],
    });
  });

  it('takes the spans of the label whose intent an engineer’s adjudication chose', async () => {
    const text = 'my parcel A777 never came';
    const t = await turn(text, 2);
    await submitLabel(db.prisma, sam, {
      reviewItemId: t.reviewItemId,
      intent: 'complaint',
      entities: [span('order_id', text, 'A777')],
    });
    await submitLabel(db.prisma, rae, { reviewItemId: t.reviewItemId, intent: 'track_order', entities: [] });
    await adjudicate(db.prisma, eli, { reviewItemId: t.reviewItemId, intent: 'complaint' });

    const rows = await snapshot();
    expect(rows.get(`message:${t.messageId}`)).toMatchObject({
      intent: 'complaint',
      entities: [{ type: 'order_id', value: 'A777', start: 10, end: 14 }],
    });
  });
});
