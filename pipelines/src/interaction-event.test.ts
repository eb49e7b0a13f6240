import { describe, expect, it } from 'vitest';
import {
  INTERACTION_JOBS,
  parseInteractionJob,
  upgradeInteractionJob,
  ZInteractionEvent,
} from './interaction-event.ts';

const event = {
  version: 2,
  messageId: '0190a0b0-0000-7000-8000-000000000001',
  conversationId: '0190a0b0-0000-7000-8000-000000000002',
  sessionId: 's1',
  at: '2026-11-26T01:00:00.000Z',
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

/** As serving published it before version 2: with the customer's text. */
const v1 = { ...event, version: 1, text: 'mail me at jane.doe@example.org' };

describe('interaction event schema', () => {
  it('accepts what serving publishes and names the field it rejects', () => {
    expect(ZInteractionEvent.parse(event)).toEqual(event);
    const bad = ZInteractionEvent.safeParse({ ...event, confidence: 1.5 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['confidence']);
  });

  it('never carries the customer text, even when a caller passes it', () => {
    expect(ZInteractionEvent.parse({ ...event, text: 'jane.doe@example.org' })).toEqual(event);
  });

  it('carries the turn trace when there is one; events without it (older, untraced) stay valid', () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    expect(ZInteractionEvent.parse({ ...event, traceparent })).toEqual({ ...event, traceparent });
    expect(ZInteractionEvent.safeParse(event).success).toBe(true);
    expect(ZInteractionEvent.safeParse({ ...event, traceparent: 'not-a-trace' }).success).toBe(false);
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

  it('reads version 1 events, queued before the text left the event, as version 2 ones', () => {
    expect(parseInteractionJob(INTERACTION_JOBS.batch, { events: [v1] })).toEqual({
      events: [event],
      rejected: [],
    });
    expect(parseInteractionJob(INTERACTION_JOBS.single, v1).events).toEqual([event]);
  });

  it('upgrades a kept job of version 1 events so it keeps no text, and leaves a current one alone', () => {
    expect(upgradeInteractionJob(INTERACTION_JOBS.batch, { events: [event, v1, 'junk'] })).toEqual({
      events: [event, event, 'junk'],
    });
    expect(upgradeInteractionJob(INTERACTION_JOBS.single, v1)).toEqual(event);
    expect(upgradeInteractionJob(INTERACTION_JOBS.batch, { events: [event] })).toBeNull();
    expect(upgradeInteractionJob(INTERACTION_JOBS.batch, null)).toBeNull();
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
