import { normalizeKey, splitOf } from '@acsa/corpus/split';
import { z } from 'zod';
import { checkEntitySpan } from './entity-span.ts';
import { parseSplitName } from './split-name.ts';
import type { TEntity, TSplit } from './types.ts';

const missingOr = (expected: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? 'is missing' : `must be ${expected}, got ${JSON.stringify(issue.input)}`;

// PostgreSQL text and jsonb cannot hold U+0000: caught here, the row is named instead of the import failing.
const ZString = () =>
  z
    .string({ error: missingOr('a string') })
    .refine((v) => !v.includes('\u0000'), 'contains a NUL character (\\u0000)');

const ZOffset = z
  .number({ error: missingOr('a number') })
  .int({ error: 'must be a whole number' })
  .nonnegative({ error: 'must not be negative' });

/** An entity as files carry it; `surface` (bitext-llm-tagged has it) is checked against the text, then dropped. */
export const ZEntityInput = z.object({
  type: ZString().trim().min(1, { error: 'must not be empty' }),
  value: ZString().nullish(),
  start: ZOffset,
  end: ZOffset,
  surface: ZString().nullish(),
});

/** One labelled utterance as a file states it; other fields (ids, categories, responses) are ignored. */
export const ZRowInput = z.object(
  {
    text: ZString().refine((t) => t.trim() !== '', 'must not be empty'),
    intent: ZString().trim().min(1, { error: 'must not be empty' }),
    split: ZString().nullish(),
    entities: z.array(ZEntityInput, { error: missingOr('an array') }).nullish(),
  },
  { error: 'must be a JSON object' },
);
export type TRowInput = z.input<typeof ZRowInput>;

export type TValidRow = {
  text: string;
  key: string;
  intent: string;
  split: TSplit;
  entities: TEntity[];
  /** Entity spans whose end was taken from their surface (see checkEntitySpan). */
  fixedSpans: number;
};

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map((p, i) =>
        typeof p === 'number' ? `[${p}]` : i ? `.${String(p)}` : String(p),
      );
      return path.length ? `${path.join('')}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

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
    if (!known)
      return {
        ok: false,
        message: `split: unknown split ${JSON.stringify(splitName)} (use train, dev/val/validation or test)`,
      };
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
