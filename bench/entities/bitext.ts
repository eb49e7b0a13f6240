import { readFileSync } from 'node:fs';
import type { EntityType } from '../../packages/ml/src/entities/index.ts';

/** Bitext's entity types that name one of ours; the others (account_type, delivery_city, …) have no counterpart. */
export const GOLD_TYPES: Readonly<Record<string, EntityType>> = {
  order_id: 'order_id',
  invoice_id: 'invoice_id',
  refund_amount: 'amount',
  person_name: 'person_name',
};

export type TGoldSpan = { type: EntityType; value: string; start: number; end: number };
export type TRow = {
  id: string;
  text: string;
  intent: string;
  split: string;
  gold: TGoldSpan[];
  unmappedGold: number;
};

type RawRow = {
  id: string;
  text: string;
  intent: string;
  split?: string;
  entities?: { type: string; value: string; start: number; end: number }[];
};

/**
 * Bitext's offsets for 75 order ids run two characters past the text (computed for "370795561790" before
 * it became "3707955617"), and one takes the ", " after it. Clipping to the text and trimming trailing
 * separators restores the span the annotator meant; nothing else is changed.
 */
function repairedEnd(text: string, start: number, end: number): number {
  let e = Math.min(end, text.length);
  while (e > start && /[\s,.;:!?]/.test(text[e - 1]!)) e--;
  return e;
}

export function readBitext(file: string): TRow[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const raw = JSON.parse(line) as RawRow;
      const entities = raw.entities ?? [];
      const gold = entities.flatMap((e) => {
        const type = GOLD_TYPES[e.type];
        return type
          ? [{ type, value: e.value, start: e.start, end: repairedEnd(raw.text, e.start, e.end) }]
          : [];
      });
      return {
        id: raw.id,
        text: raw.text,
        intent: raw.intent,
        split: raw.split ?? 'train',
        gold,
        unmappedGold: entities.length - gold.length,
      };
    });
}
