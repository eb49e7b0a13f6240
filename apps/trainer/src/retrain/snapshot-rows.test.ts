import { describe, expect, it } from 'vitest';
import { buildSnapshotRows, type TSnapshotRow } from './snapshot-rows.ts';

const row = (
  key: string,
  intent: string,
  split: TSnapshotRow['split'],
  source: TSnapshotRow['source'] = 'IMPORT',
) => ({
  text: key,
  key,
  intent,
  split,
  source,
  origin: null,
  entities: [],
});

describe('snapshot rows', () => {
  it('keeps the previous test split as it was and never trains on a test text', () => {
    const frozen = [row('where is my order', 'track_order', 'TEST', 'BOOTSTRAP')];
    const { rows, counts } = buildSnapshotRows({
      sources: [
        row('where is my order', 'track_order', 'TRAIN'), // same text as a test row: held back
        row('cancel it', 'cancel_order', 'TEST'), // a test-split text outside the frozen set: held back
        row('refund please', 'get_refund', 'TRAIN'),
        row('what are the fees', 'check_cancellation_fee', 'DEV'),
      ],
      labels: [
        {
          key: 'where is my order',
          text: 'where is my order',
          intent: 'complaint',
          entities: [],
          origin: 'message:1',
        },
      ],
      frozenTest: frozen,
    });
    expect(rows.filter((r) => r.split === 'TEST')).toEqual(frozen);
    expect(rows.filter((r) => r.split !== 'TEST').map((r) => r.key)).toEqual([
      'refund please',
      'what are the fees',
    ]);
    expect(counts).toEqual({ train: 1, dev: 1, test: 1, labels: 0, heldBack: 3 });
  });

  it("takes the sources' test rows the first time, and lets reviewers' labels correct a source row", () => {
    const { rows, counts } = buildSnapshotRows({
      sources: [
        row('hello there', 'greeting', 'TEST'),
        row('i want my money back', 'track_refund', 'TRAIN'),
        row('i want my money back', 'get_refund', 'TRAIN'), // a later dataset's duplicate: the first wins
      ],
      labels: [
        {
          key: 'i want my money back',
          text: 'I want my money back',
          intent: 'get_refund',
          entities: [],
          origin: 'message:7',
        },
        { key: 'new words', text: 'New words', intent: 'review', entities: [], origin: 'message:8' },
      ],
      frozenTest: null,
    });
    expect(rows.map((r) => [r.key, r.intent, r.split, r.source])).toEqual([
      ['i want my money back', 'get_refund', 'TRAIN', 'LABEL'],
      ['new words', 'review', 'TRAIN', 'LABEL'],
      ['hello there', 'greeting', 'TEST', 'IMPORT'],
    ]);
    expect(counts).toMatchObject({ train: 2, test: 1, labels: 2, heldBack: 0 });
  });

  it("takes a labeled text's spans from the reviewer, even none, not from the source row", () => {
    const order = { type: 'order_id', value: 'A123', start: 9, end: 13 };
    const email = { type: 'email', value: 'a@b.co', start: 17, end: 23 };
    const { rows } = buildSnapshotRows({
      sources: [
        { ...row('where is A123 for a@b.co', 'track_order', 'TRAIN'), entities: [order] },
        { ...row('refund A123', 'get_refund', 'TRAIN'), entities: [order] },
      ],
      labels: [
        {
          key: 'where is A123 for a@b.co',
          text: 'where is A123 for a@b.co',
          intent: 'track_order',
          entities: [order, email],
          origin: 'message:1',
        },
        { key: 'refund A123', text: 'refund A123', intent: 'get_refund', entities: [], origin: 'message:2' },
      ],
      frozenTest: null,
    });
    expect(rows.map((r) => [r.key, r.entities])).toEqual([
      ['where is A123 for a@b.co', [order, email]],
      ['refund A123', []],
    ]);
  });
});
