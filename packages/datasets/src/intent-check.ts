import { INTENT_NAMES, isIntentName } from '@acsa/corpus/intents';
import { closest, distance } from 'fastest-levenshtein';

export type TIntentCheckOptions = {
  /**
   * The shop's intents beyond the taxonomy (classes an earlier import added with `--new-intents`, the
   * production model's labels: `shopIntentNames` in `@acsa/pipelines/review`). Left out, only the taxonomy
   * is accepted, and an import would refuse a class reviewers can label.
   */
  knownIntents?: ReadonlySet<string>;
};

/** One of the shop's intents: the taxonomy or one it already has. */
export function isKnownIntent(label: string, options: TIntentCheckOptions = {}): boolean {
  return isIntentName(label) || (options.knownIntents?.has(label) ?? false);
}

/**
 * The shop's intent nearest a label, when it is near enough to be a typo: within a third of the label's
 * length (at least 2 edits), so "track_ordr" finds "track_order" but "card_arrival" finds nothing.
 */
export function suggestIntent(label: string, options: TIntentCheckOptions = {}): string | undefined {
  const candidates = options.knownIntents ? [...INTENT_NAMES, ...options.knownIntents] : INTENT_NAMES;
  const near = closest(label, candidates as string[]);
  return distance(label, near) <= Math.max(2, Math.floor(label.length / 3)) ? near : undefined;
}

/**
 * Why a label is refused, or undefined for one of the shop's intents. A label the shop does not have would
 * add a class no reply template knows, which serving would then treat as unsure for ever (the console's
 * label check refuses it for the same reason); `--new-intents` is how a shop adds one on purpose.
 */
export function unknownIntentMessage(
  label: string,
  options: TIntentCheckOptions & { mappedFrom?: string } = {},
): string | undefined {
  if (isKnownIntent(label, options)) return undefined;
  const near = suggestIntent(label, options);
  const via =
    options.mappedFrom === undefined
      ? ''
      : ` (the label map's new name for ${JSON.stringify(options.mappedFrom)})`;
  return `${JSON.stringify(label)}${via} is not one of the shop's intents${near ? ` (did you mean ${JSON.stringify(near)}?)` : ''}`;
}
