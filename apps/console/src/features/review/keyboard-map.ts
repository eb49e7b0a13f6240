/** The entity types a reviewer marks by selecting text and pressing the key (none collides with a command). */
export const ENTITY_KEYS: Record<string, string> = {
  n: 'order_id',
  i: 'invoice_id',
  e: 'email',
  p: 'phone',
  a: 'amount',
  d: 'date',
  g: 'product',
  m: 'person_name',
};

export const OUT_OF_SCOPE_INTENT = 'out_of_scope';

export type TKeyAction =
  | { kind: 'pick'; index: number }
  /** Saves the picked intent, or with `index` that suggestion (Enter on its focused button). */
  | { kind: 'accept'; index?: number }
  | { kind: 'search' }
  | { kind: 'skip' }
  | { kind: 'out-of-scope' }
  | { kind: 'undo' }
  | { kind: 'entity'; type: string }
  | null;

/**
 * The labeling keyboard map: `1`–`9` pick a suggestion, `Enter` accepts, `/` searches every intent, `s`
 * skips, `o` marks out-of-scope, `z` undoes the last label; with text selected in the turn, an entity
 * type's key marks the selection. Modifier combinations are left to the browser (Ctrl+C must still copy).
 * Enter on a focused control is that control's: on a suggestion's button it saves that suggestion; on any
 * other (remove an entity, a link, a disclosure) it is left to the browser. Before, it saved the picked
 * intent whatever had focus: Tab to suggestion 3 and Enter saved suggestion 1. That is only right while the
 * focused suggestion is the one the page shows picked: the panel keeps them together (focusing a suggestion
 * picks it, a number key moves focus to what it picks, a new turn's buttons start unfocused).
 */
export function keyAction(
  e: { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean },
  state: {
    suggestions: number;
    hasSelection: boolean;
    /** What has focus: a suggestion's button (its index), another control, or neither. */
    focus?: { suggestion: number } | 'control' | null;
  },
): TKeyAction {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  if (e.key === 'Enter' && state.focus === 'control') return null;
  if (e.key === 'Enter' && state.focus && typeof state.focus === 'object')
    return { kind: 'accept', index: state.focus.suggestion };
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (state.hasSelection && ENTITY_KEYS[key]) return { kind: 'entity', type: ENTITY_KEYS[key] };
  if (/^[1-9]$/.test(key)) {
    const index = Number(key) - 1;
    return index < state.suggestions ? { kind: 'pick', index } : null;
  }
  switch (key) {
    case 'Enter':
      return { kind: 'accept' };
    case '/':
      return { kind: 'search' };
    case 's':
      return { kind: 'skip' };
    case 'o':
      return { kind: 'out-of-scope' };
    case 'z':
      return { kind: 'undo' };
    default:
      return null;
  }
}
