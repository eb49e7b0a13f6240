import { describe, expect, it } from 'vitest';
import { changeSummary, targetLabel, targetTypeWords } from './change-summary';

describe('changeSummary', () => {
  it('says the fields that changed, dates in UTC, and skips bookkeeping', () => {
    expect(
      changeSummary({
        before: { id: 'x', role: 'REVIEWER', updatedAt: '2026-12-06T10:00:00Z', disabledAt: null },
        after: { id: 'x', role: 'ENGINEER', updatedAt: '2026-12-06T11:00:00Z', disabledAt: null },
      }),
    ).toEqual(['role: REVIEWER → ENGINEER']);
    expect(
      changeSummary({ before: { revokedAt: null }, after: { revokedAt: '2026-12-06T19:05:09.123Z' } }),
    ).toEqual(['revokedAt: — → 2026-12-06 19:05 UTC']);
    // An empty list is nothing, as null is: no "[]", and no line for a change from one to the other.
    expect(
      changeSummary({
        before: { failedFrom: [], passesHold: null, tags: ['a'] },
        after: { failedFrom: null, passesHold: '203.0.113.64', tags: [] },
      }),
    ).toEqual(['passesHold: — → 203.0.113.64', 'tags: a → —']);
  });

  it('names an alias move’s versions: `to` by the name the entry holds, `from` by the one the server found', () => {
    const from = '0193b6a0-1111-7000-8000-000000000001';
    const to = '0193b6a0-2222-7000-8000-0000b0a38f2f';
    expect(
      changeSummary(
        { from, to, toVersion: 'intent-2026.12.01-1', reason: 'gate passed' },
        {
          [from]: 'intent-2026.11.25-1',
        },
      ),
    ).toEqual(['from: intent-2026.11.25-1', 'to: intent-2026.12.01-1', 'reason: gate passed']);
    // A version the server no longer finds: the end of its id, as every page shows ids.
    expect(changeSummary({ from, to: null, reason: null })).toEqual(['from: 00000001', 'to: —', 'reason: —']);
  });

  it('names a record made by its key fields, and reads other entries field by field', () => {
    expect(
      changeSummary({
        before: null,
        after: { id: 'k', name: 'shop web', kind: 'PUBLISHABLE', scopes: ['chat'] },
      }),
    ).toEqual(['created: name shop web, kind PUBLISHABLE']);
    expect(changeSummary({})).toEqual([]);
  });
});

describe('targetLabel', () => {
  const base = { targetName: null, data: {} };
  it('prefers a name, keeps names whole and cuts only uuids, to their last digits (the first are a time)', () => {
    expect(targetLabel({ ...base, targetType: 'ModelAlias', targetId: 'production' })).toBe('production');
    expect(
      targetLabel({
        ...base,
        targetType: 'ApiKey',
        targetId: '0193b6a0-2222-7000-8000-0000b0a38f2f',
        data: { before: null, after: { name: 'e2e shop web' } },
      }),
    ).toBe('e2e shop web');
    expect(
      targetLabel({ ...base, targetType: 'User', targetId: '0193b6a0-2222-7000-8000-0000b0a38f2f' }),
    ).toBe('b0a38f2f');
  });
});

describe('targetTypeWords', () => {
  it('says a record type as people do', () => {
    expect(['TrainingRun', 'ApiKey', 'ModelAlias', 'User'].map(targetTypeWords)).toEqual([
      'training run',
      'API key',
      'model alias',
      'user',
    ]);
  });
});
