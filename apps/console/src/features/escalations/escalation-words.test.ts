import { describe, expect, it } from 'vitest';
import { intentsLine } from './escalation-words';

describe('intentsLine', () => {
  it("says once that the % is the model's confidence, and leaves out what would print as 0 %", () => {
    expect(
      intentsLine({
        topK: [
          { intent: 'contact_human_agent', confidence: 1 },
          { intent: 'track_order', p: 0.004 },
        ],
      }),
    ).toBe("contact_human_agent 100 % (the model's confidence)");
  });

  it('names the intents alone when the hand-over kept no confidence', () => {
    expect(intentsLine({ intents: ['track_order', 'contact_human_agent'] })).toBe(
      'track_order, contact_human_agent',
    );
    expect(intentsLine({})).toBe('none');
  });
});
