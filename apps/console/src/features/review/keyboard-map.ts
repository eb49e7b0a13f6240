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
  | { kind: 'accept' }
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
 */
export function keyAction(
  e: { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean },
  state: { suggestions: number; hasSelection: boolean },
): TKeyAction {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
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
