import { describe, expect, it } from 'vitest';
import { keyAction } from './keyboard-map';

const press = (key: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
});

describe('labeling keyboard map', () => {
  const state = { suggestions: 3, hasSelection: false };
  it('maps the documented keys', () => {
    expect(keyAction(press('2'), state)).toEqual({ kind: 'pick', index: 1 });
    expect(keyAction(press('Enter'), state)).toEqual({ kind: 'accept' });
    expect(keyAction(press('/'), state)).toEqual({ kind: 'search' });
    expect(keyAction(press('s'), state)).toEqual({ kind: 'skip' });
    expect(keyAction(press('O'), state)).toEqual({ kind: 'out-of-scope' });
    expect(keyAction(press('z'), state)).toEqual({ kind: 'undo' });
  });
  it('ignores a number past the suggestions and any key with a modifier', () => {
    expect(keyAction(press('7'), state)).toBeNull();
    expect(keyAction(press('z', { ctrlKey: true }), state)).toBeNull();
  });
  it('with text selected, an entity key marks it', () => {
    expect(keyAction(press('n'), { ...state, hasSelection: true })).toEqual({
      kind: 'entity',
      type: 'order_id',
    });
    expect(keyAction(press('n'), state)).toBeNull();
  });
  it('Enter on a focused suggestion saves that one; on another control it is left to the control', () => {
    expect(keyAction(press('Enter'), { ...state, focus: { suggestion: 2 } })).toEqual({
      kind: 'accept',
      index: 2,
    });
    expect(keyAction(press('Enter'), { ...state, focus: 'control' })).toBeNull();
    // The other keys keep working wherever focus is.
    expect(keyAction(press('2'), { ...state, focus: 'control' })).toEqual({ kind: 'pick', index: 1 });
  });
});
