import { z } from 'zod';
import { type TIntentCheckOptions, unknownIntentMessage } from './intent-check.ts';

export const ZLabelMap = z.record(
  z.string().trim().min(1, { error: 'an intent to rename must not be empty' }),
  z
    .string({ error: 'the new intent must be a string' })
    .trim()
    .min(1, { error: 'the new intent must not be empty' }),
);
export type TLabelMap = z.infer<typeof ZLabelMap>;

/** A label map file's text (`{"old": "new"}`); the message says what is wrong with it. */
export function parseLabelMapJson(json: string, source: string): TLabelMap {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (e) {
    throw new Error(`${source}: invalid JSON (${(e as Error).message})`);
  }
  const parsed = ZLabelMap.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? ` at ${JSON.stringify(issue.path.join('.'))}` : '';
    throw new Error(`${source}: not a label map {"old": "new"}${where}: ${issue.message}`);
  }
  return parsed.data;
}

/** `old=new` pairs as given on a command line. */
export function parseLabelMapPairs(pairs: string[]): TLabelMap {
  const map: TLabelMap = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const from = pair.slice(0, eq).trim();
    const to = pair.slice(eq + 1).trim();
    if (eq < 0 || !from || !to) throw new Error(`label mapping "${pair}" is not old=new`);
    map[from] = to;
  }
  return map;
}

/**
 * The entries of a map whose new intent is not one of the shop's, each with why: mapping onto a typo would
 * turn every row of the old intent into a class no reply template knows.
 */
export function unknownLabelTargets(
  map: TLabelMap,
  options: TIntentCheckOptions = {},
): Array<{ from: string; to: string; message: string }> {
  return Object.entries(map).flatMap(([from, to]) => {
    const message = unknownIntentMessage(to, options);
    return message ? [{ from, to, message }] : [];
  });
}
