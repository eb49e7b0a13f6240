import { AppError } from '@acsa/core/errors';
import { isIntentName } from '@acsa/corpus/intents';
import { checkEntitySpan } from '@acsa/datasets/entity-span';
import type { TEntitySpan } from './review-types.ts';

/**
 * Refuses an intent outside the shop's taxonomy, the list the console's intent picker offers. Without it a
 * typo or a direct API call would add a class to the next training set that no reply template knows.
 */
export function assertKnownIntent(intent: string): void {
  if (!isIntentName(intent))
    throw new AppError('BAD_REQUEST', `intent ${JSON.stringify(intent)} is not one of the shop's intents`, {
      field: 'intent',
    });
}

/**
 * Refuses a span whose start and end are out of order or outside the turn's text (UTF-16 offsets, as the
 * labeling panel counts them and as dataset import checks them), naming the first that is wrong.
 */
export function checkedSpans(text: string, entities: TEntitySpan[]): TEntitySpan[] {
  return entities.map((e, i) => {
    const span = checkEntitySpan(text, e, i);
    if (!span.ok) throw new AppError('BAD_REQUEST', span.message, { field: `entities[${i}]` });
    return span.entity;
  });
}
