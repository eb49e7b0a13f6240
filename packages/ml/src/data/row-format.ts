import { z } from 'zod';

// The labelled-utterance file format, one row a line: what `acsa data import` stores and what `acsa train`
// and `acsa eval` read, checked by this one schema so a file one of them accepts the others accept too.

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

/** Zod's issues as `field: why` (`entities[0].end: …`), joined: every wrong field of a row in one message. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map((p, i) =>
        typeof p === 'number' ? `[${p}]` : i ? `.${String(p)}` : String(p),
      );
      return path.length ? `${path.join('')}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
