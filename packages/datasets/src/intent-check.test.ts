import { describe, expect, it } from 'vitest';
import { unknownIntentMessage } from './intent-check.ts';
import { unknownLabelTargets } from './label-map.ts';

const knownIntents = new Set(['gift_wrap', 'price_match']);

describe("the shop's intents: the taxonomy and the ones it already has", () => {
  it('accepts a class the shop added, and refuses it when the shop does not have it', () => {
    expect(unknownIntentMessage('gift_wrap')).toBe(`"gift_wrap" is not one of the shop's intents`);
    expect(unknownIntentMessage('gift_wrap', { knownIntents })).toBeUndefined();
    expect(unknownIntentMessage('track_order', { knownIntents })).toBeUndefined();
  });

  it('suggests an added class for a typo of it, and still a taxonomy one for a typo of that', () => {
    expect(unknownIntentMessage('gift_wrp', { knownIntents, mappedFrom: 'wrap' })).toBe(
      `"gift_wrp" (the label map's new name for "wrap") is not one of the shop's intents (did you mean "gift_wrap"?)`,
    );
    expect(unknownIntentMessage('track_ordr', { knownIntents })).toBe(
      `"track_ordr" is not one of the shop's intents (did you mean "track_order"?)`,
    );
  });

  it('checks label-map targets against the same set', () => {
    const map = { wrapping: 'gift_wrap', pm: 'price_macth', late: 'track_order' };
    expect(unknownLabelTargets(map).map((t) => t.from)).toEqual(['wrapping', 'pm']);
    expect(unknownLabelTargets(map, { knownIntents })).toEqual([
      {
        from: 'pm',
        to: 'price_macth',
        message: `"price_macth" is not one of the shop's intents (did you mean "price_match"?)`,
      },
    ]);
  });
});
