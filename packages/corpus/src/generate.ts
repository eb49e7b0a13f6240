import { composeDraft, planIntent, type TIntentPlan } from './compose.ts';
import type { TEntity } from './entities.ts';
import { INTENT_NAMES, type TIntentName } from './intents.ts';
import { materialize } from './materialize.ts';
import { createRandom, hash32, type TRandom } from './prng.ts';
import { DEFAULT_PRODUCT_NAMES } from './products.ts';
import { makeSlots } from './slots.ts';
import { normalizeKey, splitOfKey, type TSplit } from './split.ts';
import type { TSlots } from './template.ts';
import { SHARED_WORDS, TEMPLATES } from './templates/index.ts';

/** One corpus row, as written to JSONL and stored as the "bootstrap" dataset. */
export type TCorpusExample = { text: string; intent: TIntentName; entities: TEntity[]; split: TSplit };

export type TCorpusOptions = {
  /** Same seed, same options → the same corpus, byte for byte. */
  seed?: number;
  /** The shop's catalogue; product entities are drawn from it. */
  productNames?: readonly string[];
  /** Distinct utterances per intent. */
  perIntent?: number;
};

export const DEFAULT_SEED = 1;
/** About the size of the Bitext sets per intent: enough for the first model, small enough to train in minutes. */
export const DEFAULT_PER_INTENT = 300;
/**
 * When an intent gives up: after this many draws per wanted row in all, or this many draws in a row that
 * brought nothing new. Only reached when asking for more than its templates can say.
 */
const ATTEMPTS_PER_ROW = 40;
const MAX_MISSES_IN_A_ROW = 3000;

type TStream = {
  intent: TIntentName;
  plan: TIntentPlan;
  random: TRandom;
  rows: Map<string, TCorpusExample>;
  attemptsLeft: number;
};

/**
 * Generates the bootstrap corpus: `perIntent` distinct utterances for every intent of the taxonomy, in
 * taxonomy order. Each intent draws from its own random stream, so editing one intent's templates leaves the
 * others' rows unchanged. A text that comes out under two intents (say "thanks, bye" from a closer) is
 * ambiguous and dropped from both, and those intents draw again. An intent whose templates cannot say
 * `perIntent` different things returns fewer rows rather than looping; `corpusStats` shows it.
 */
export function generateCorpus(options: TCorpusOptions = {}): TCorpusExample[] {
  const seed = options.seed ?? DEFAULT_SEED;
  const perIntent = options.perIntent ?? DEFAULT_PER_INTENT;
  const productNames = options.productNames ?? DEFAULT_PRODUCT_NAMES;
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
  if (!Number.isInteger(perIntent) || perIntent < 1)
    throw new Error(`perIntent must be a positive integer, got ${perIntent}`);
  const products = productNames.map((name) => name.trim()).filter((name) => name.length > 0);
  if (products.length === 0) throw new Error('productNames must hold at least one non-empty name');

  const base = makeSlots(products);
  const slots: TSlots = { ...base, words: { ...base.words, ...SHARED_WORDS } };
  const streams: TStream[] = INTENT_NAMES.map((intent) => ({
    intent,
    plan: planIntent(TEMPLATES[intent], slots),
    random: createRandom(hash32(`${seed}|${intent}`)),
    rows: new Map(),
    attemptsLeft: perIntent * ATTEMPTS_PER_ROW,
  }));
  const owner = new Map<string, TStream>();
  const ambiguous = new Set<string>();

  const fill = (stream: TStream) => {
    let misses = 0;
    while (stream.rows.size < perIntent && stream.attemptsLeft > 0) {
      stream.attemptsLeft--;
      const { text, entities } = materialize(composeDraft(stream.plan, stream.random));
      const key = normalizeKey(text);
      if (!key || ambiguous.has(key) || stream.rows.has(key)) {
        if (++misses >= MAX_MISSES_IN_A_ROW) stream.attemptsLeft = 0;
        continue;
      }
      misses = 0;
      const other = owner.get(key);
      if (other) {
        ambiguous.add(key);
        other.rows.delete(key);
        owner.delete(key);
        continue;
      }
      owner.set(key, stream);
      stream.rows.set(key, { text, intent: stream.intent, entities, split: splitOfKey(key) });
    }
  };

  // A later intent can take rows away from an earlier one; refill until nobody is short (or out of tries).
  let short = streams;
  while (short.length > 0) {
    for (const stream of short) fill(stream);
    short = streams.filter((s) => s.rows.size < perIntent && s.attemptsLeft > 0);
  }
  return streams.flatMap((stream) => [...stream.rows.values()]);
}
