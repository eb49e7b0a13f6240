import { AppError } from '@acsa/core/errors';
import { checkEntitySpan } from '@acsa/datasets/entity-span';
import type { TransactionClient } from '@acsa/db';
import type { TEntitySpan } from './review-types.ts';
import { isShopIntent } from './shop-intents.ts';

/**
 * Refuses an intent that is not one of the shop's (the taxonomy plus the classes it added, see
 * `shop-intents.ts`), the list the console's intent picker offers. Without it a typo or a direct API call
 * would add a class to the next training set that no reply template knows. Read in the label's own
 * transaction, so a label is checked against the classes as they are when it is written.
 */
export async function assertKnownIntent(tx: TransactionClient, intent: string): Promise<void> {
  if (!(await isShopIntent(tx, intent)))
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
