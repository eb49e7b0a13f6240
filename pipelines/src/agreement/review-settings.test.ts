import { createTestDatabase, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TActor } from '../access/roles.ts';
import { makeConversation, makeUser } from '../workbench-fixtures.ts';
import { reviewSettings, updateReviewSettings } from './review-settings.ts';

let db: TestDatabase;
let eli: TActor;
beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
  eli = await makeUser(db.prisma, 'ENGINEER', 'eli');
});
afterAll(() => db?.drop());

const newItems = async (n: number) => {
  const c = await makeConversation(
    db.prisma,
    Array.from({ length: n }, (_, i) => ({ text: `unsure ${i}`, intent: 'track_order', confidence: 0.3 })),
  );
  return db.prisma.reviewItem.findMany({ where: { messageId: { in: c.userMessageIds } } });
};

describe('review settings', () => {
  it('start at 10 % overlap, and the share set decides how many labels new items need', async () => {
    expect(await reviewSettings(db.prisma)).toEqual({ overlapShare: 0.1, lowConfidence: 0.6 });
    await updateReviewSettings(db.prisma, eli, { overlapShare: 1 });
    expect((await newItems(5)).map((i) => i.requiredLabels)).toEqual([2, 2, 2, 2, 2]);
    await updateReviewSettings(db.prisma, eli, { overlapShare: 0 });
    expect((await newItems(5)).map((i) => i.requiredLabels)).toEqual([1, 1, 1, 1, 1]);
  });

  it('the threshold decides which turns become items', async () => {
    await updateReviewSettings(db.prisma, eli, { lowConfidence: 0.2 });
    expect(await newItems(2)).toHaveLength(0);
    await updateReviewSettings(db.prisma, eli, { lowConfidence: 0.6 });
    expect(await newItems(2)).toHaveLength(2);
  });

  it('is audited with before and after, and refuses a share out of range saying why', async () => {
    await updateReviewSettings(db.prisma, eli, { overlapShare: 0.25 });
    const entry = await db.prisma.auditLog.findFirstOrThrow({
      where: { action: 'review.settings' },
      orderBy: { at: 'desc' },
    });
    expect(entry.actor).toBe(eli.email);
    expect(entry.data).toEqual({
      before: { overlapShare: 0, lowConfidence: 0.6 },
      after: { overlapShare: 0.25, lowConfidence: 0.6 },
    });
    await expect(updateReviewSettings(db.prisma, eli, { overlapShare: 1.5 })).rejects.toThrow(
      /overlap share must be between 0 and 100 %, not 150 %/,
    );
    expect((await reviewSettings(db.prisma)).overlapShare).toBe(0.25);
  });
});
