import { INTENT_NAMES, isIntentName } from '@acsa/corpus/intents';
import { closest, distance } from 'fastest-levenshtein';

/**
 * The shop's intent nearest a label, when it is near enough to be a typo: within a third of the label's
 * length (at least 2 edits), so "track_ordr" finds "track_order" but "card_arrival" finds nothing.
 */
export function suggestIntent(label: string): string | undefined {
  const near = closest(label, INTENT_NAMES as string[]);
  return distance(label, near) <= Math.max(2, Math.floor(label.length / 3)) ? near : undefined;
}

/**
 * Why a label is refused, or undefined for one of the shop's intents. A label outside the taxonomy would
 * add a class no reply template knows, which serving would then treat as unsure for ever (the console's
 * label check refuses it for the same reason); `--new-intents` is how a shop adds one on purpose.
 */
export function unknownIntentMessage(
  label: string,
  options: { mappedFrom?: string } = {},
): string | undefined {
  if (isIntentName(label)) return undefined;
  const near = suggestIntent(label);
  const via =
    options.mappedFrom === undefined
      ? ''
      : ` (the label map's new name for ${JSON.stringify(options.mappedFrom)})`;
  return `${JSON.stringify(label)}${via} is not one of the shop's intents${near ? ` (did you mean ${JSON.stringify(near)}?)` : ''}`;
}
