import { normalizeKey, splitOf } from '@acsa/corpus/split';
import { describeIssues, parseSplitName, unknownSplitMessage, ZRowInput } from '@acsa/ml/data';
import { checkEntitySpan } from './entity-span.ts';
import type { TEntity, TSplit } from './types.ts';

export type TValidRow = {
  text: string;
  key: string;
  intent: string;
  split: TSplit;
  entities: TEntity[];
  /** Entity spans whose end was taken from their surface (see checkEntitySpan). */
  fixedSpans: number;
};

/** Validates one record; the message names the field that is wrong and why. */
export function validateRow(record: unknown): { ok: true; row: TValidRow } | { ok: false; message: string } {
  const parsed = ZRowInput.safeParse(record);
  if (!parsed.success) return { ok: false, message: describeIssues(parsed.error) };
  const { text, intent, split: splitName, entities } = parsed.data;
  const key = normalizeKey(text);
  // Such a text would collide with every other one like it and teaches a model nothing.
  if (!key) return { ok: false, message: 'text: has no letters or digits' };
  let split: TSplit;
  if (splitName == null || splitName.trim() === '') split = splitOf(text);
  else {
    const known = parseSplitName(splitName);
    if (!known) return { ok: false, message: unknownSplitMessage(splitName) };
    split = known;
  }
  const checked: TEntity[] = [];
  let fixedSpans = 0;
  for (const [i, input] of (entities ?? []).entries()) {
    const span = checkEntitySpan(text, input, i);
    if (!span.ok) return span;
    checked.push(span.entity);
    if (span.fixed) fixedSpans++;
  }
  return { ok: true, row: { text, key, intent, split, entities: checked, fixedSpans } };
}
