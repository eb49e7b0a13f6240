/**
 * What one intent contributes to the generator. `actions` are first-person verb phrases ("cancel my order")
 * dropped into shared frames ("how do I …?", "I'd like to …"); `asks` are requests to the agent ("cancel order
 * <order_id>") in shared request frames; `sentences` are whole utterances; `terse` are keyword-style messages.
 * `context` and `after` are sentences placed before or after the request, which give 2–3 sentence messages.
 * `standalone` intents (small talk) are the whole message: no shared openers ("hi, …"), closers ("…, thanks")
 * or letter-style wrapping, which would turn a greeting into a thanks and back.
 */
export type TIntentTemplates = {
  actions?: readonly string[];
  asks?: readonly string[];
  sentences: readonly string[];
  terse?: readonly string[];
  context?: readonly string[];
  after?: readonly string[];
  standalone?: boolean;
  /** How often the whole message is typed in capitals (angry customers); 0.02 when absent. */
  shout?: number;
  /** Word lists only this intent uses, referenced as `<name>`. */
  words?: Record<string, readonly string[]>;
};
