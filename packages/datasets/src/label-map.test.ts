import { describe, expect, it } from 'vitest';
import { parseLabelMapJson, parseLabelMapPairs, unknownLabelTargets } from './label-map.ts';

describe('label maps', () => {
  it('reads {"old": "new"} files and old=new pairs', () => {
    expect(parseLabelMapJson('{"check_invoices": " check_invoice "}', 'map.json')).toEqual({
      check_invoices: 'check_invoice',
    });
    expect(parseLabelMapPairs(['a=b', ' c = d '])).toEqual({ a: 'b', c: 'd' });
  });

  it('says what is wrong with a bad map', () => {
    expect(() => parseLabelMapJson('{"a": }', 'map.json')).toThrow(/^map\.json: invalid JSON/);
    expect(() => parseLabelMapJson('["a"]', 'map.json')).toThrow(/^map\.json: not a label map/);
    expect(() => parseLabelMapJson('{"a": ""}', 'map.json')).toThrow(
      /at "a": the new intent must not be empty/,
    );
    expect(() => parseLabelMapJson('{"a": 3}', 'map.json')).toThrow(
      /at "a": the new intent must be a string/,
    );
    expect(() => parseLabelMapPairs(['a'])).toThrow('label mapping "a" is not old=new');
    expect(() => parseLabelMapPairs(['a='])).toThrow('label mapping "a=" is not old=new');
  });

  it("names each entry whose new intent is not one of the shop's", () => {
    expect(unknownLabelTargets({ check_invoices: 'check_invoice', track: 'track_ordr', x: 'trak' })).toEqual([
      {
        from: 'track',
        to: 'track_ordr',
        message: `"track_ordr" is not one of the shop's intents (did you mean "track_order"?)`,
      },
      { from: 'x', to: 'trak', message: `"trak" is not one of the shop's intents` },
    ]);
  });
});
