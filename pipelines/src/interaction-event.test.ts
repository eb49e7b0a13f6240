import { describe, expect, it } from 'vitest';
import { ZInteractionEvent } from './interaction-event.ts';

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
