/**
 * The one rule for what people said a message means, used wherever labels become truth: the trainer's
 * snapshot (labels as training data) and an experiment's accuracy on reviewed turns. An engineer's
 * adjudication (the review item's final intent) is final; otherwise the intent most labels gave. A tie
 * between different intents is a disagreement that waits for adjudication: no truth until then, so
 * neither the model is trained on nor a variant is scored against a coin flip.
 */
export function agreedIntent(
  labels: ReadonlyArray<{ intent: string }>,
  finalIntent: string | null | undefined,
): string | null {
  if (finalIntent) return finalIntent;
  const votes = new Map<string, number>();
  for (const l of labels) votes.set(l.intent, (votes.get(l.intent) ?? 0) + 1);
  let best: string | null = null;
  let most = 0;
  let tied = false;
  for (const [intent, n] of votes) {
    if (n > most) [best, most, tied] = [intent, n, false];
    else if (n === most) tied = true;
  }
  return tied ? null : best;
}
