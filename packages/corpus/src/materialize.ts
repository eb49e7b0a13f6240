import type { TEntity } from './entities.ts';
import { PLACEHOLDER_BASE, type TDraft } from './template.ts';

/** Spells out a draft's placeholders and records where each surface landed: `text.slice(start, end)`. */
export function materialize(draft: TDraft): { text: string; entities: TEntity[] } {
  const source = draft.text;
  const count = draft.entities.length;
  let text = '';
  let copied = 0;
  const entities: TEntity[] = [];
  for (let i = 0; i < source.length; i++) {
    const index = source.charCodeAt(i) - PLACEHOLDER_BASE;
    if (index < 0 || index >= count) continue;
    const entity = draft.entities[index] as TDraft['entities'][number];
    text += source.slice(copied, i);
    const start = text.length;
    text += entity.surface;
    entities.push({ type: entity.type, value: entity.value, start, end: text.length });
    copied = i + 1;
  }
  return { text: text + source.slice(copied), entities };
}
