import { describe, expect, it } from 'vitest';
import { INTERACTION_JOBS, parseInteractionJob, ZInteractionEvent } from './interaction-event.ts';

const event = {
  version: 1,
  messageId: '0190a0b0-0000-7000-8000-000000000001',
  conversationId: '0190a0b0-0000-7000-8000-000000000002',
  sessionId: 's1',
  at: '2026-11-26T01:00:00.000Z',
  text: 'where is my order',
  intent: 'track_order',
  confidence: 0.93,
  topK: [{ intent: 'track_order', confidence: 0.93 }],
  outOfScope: false,
  lowConfidence: false,
  entityTypes: [],
  modelVersion: 'intent-1',
  modelVersionId: null,
  variant: null,
  escalated: false,
  latencyMs: 3.2,
};

describe('interaction event schema', () => {
  it('accepts what serving publishes and names the field it rejects', () => {
    expect(ZInteractionEvent.parse(event)).toEqual(event);
    const bad = ZInteractionEvent.safeParse({ ...event, confidence: 1.5 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['confidence']);
  });
});

describe('interactions job payload', () => {
  it('keeps the valid events of a batch and names each rejected one by position and field', () => {
    const second = { ...event, messageId: '0190a0b0-0000-7000-8000-000000000003' };
    const parsed = parseInteractionJob(INTERACTION_JOBS.batch, {
      events: [event, { ...event, messageId: 'nope' }, second, { ...event, latencyMs: -1 }],
    });
    expect(parsed.events).toEqual([event, second]);
    expect(parsed.rejected.map((r) => [r.index, r.reason.split(':')[0]])).toEqual([
      [1, 'messageId'],
      [3, 'latencyMs'],
    ]);
  });

  it('reads a single-event job as published before batches, and rejects a batch that is not one', () => {
    expect(parseInteractionJob(INTERACTION_JOBS.single, event)).toEqual({ events: [event], rejected: [] });
    const notBatch = parseInteractionJob(INTERACTION_JOBS.batch, event);
    expect(notBatch.events).toEqual([]);
    expect(notBatch.rejected[0]?.reason).toMatch(/^events: /);
    expect(parseInteractionJob(INTERACTION_JOBS.batch, { events: [] }).rejected[0]?.reason).toMatch(
      /^events: /,
    );
  });
});
