import { histogram, jensenShannon, ksBinned, psi } from '@acsa/ml/drift';
import type { TReferenceStats } from '@acsa/ml/manifest';
import type { TDriftFigures } from '@acsa/pipelines';
import { decodeVocabulary, tokenHash, wordsOf } from './vocabulary.ts';

/** Every out-of-scope spelling (datasets', the bundle's, serving's) counts as one category. */
const OOS = '<out-of-scope>';
const OOS_LABELS = new Set(['oos', 'out_of_scope', 'out-of-scope']);

export type TWindowMessage = {
  text: string;
  intent: string | null;
  confidence: number | null;
  outOfScope: boolean;
};

export type TWindowDrift = TDriftFigures & {
  /** The histograms the figures come from, for the dashboard. */
  details: {
    intents: { name: string; reference: number; live: number }[];
    confidence: { edges: number[]; reference: number[]; live: number[] };
    length: { edges: number[]; reference: number[]; live: number[] };
    tokens: number;
    unknownTokens: number;
  };
};

/**
 * Accumulates one window's live statistics message by message (so a busy window is read in pages, never
 * held whole) and compares them with the reference statistics of the model version that served them.
 */
export class WindowDrift {
  private readonly vocabulary: Set<number>;
  private readonly oosLabel: string | null;
  private readonly intents = new Map<string, number>();
  private readonly confidences: number[] = [];
  private readonly lengths: number[] = [];
  private tokens = 0;
  private unknown = 0;
  private n = 0;

  constructor(
    private readonly reference: TReferenceStats,
    opts: { outOfScopeLabel?: string | null } = {},
  ) {
    this.vocabulary = decodeVocabulary(reference.vocabularyHashes);
    this.oosLabel = opts.outOfScopeLabel ?? null;
  }

  private category(intent: string | null, outOfScope = false): string {
    if (outOfScope || intent === null || intent === this.oosLabel || OOS_LABELS.has(intent)) return OOS;
    return intent;
  }

  add(m: TWindowMessage): void {
    this.n++;
    const c = this.category(m.intent, m.outOfScope);
    this.intents.set(c, (this.intents.get(c) ?? 0) + 1);
    if (m.confidence !== null) this.confidences.push(m.confidence);
    const words = wordsOf(m.text);
    this.lengths.push(words.length);
    for (const w of words) {
      this.tokens++;
      if (!this.vocabulary.has(tokenHash(w))) this.unknown++;
    }
  }

  result(): TWindowDrift {
    const ref = this.reference;
    const refIntents = new Map<string, number>();
    for (const [name, share] of Object.entries(ref.intentDistribution)) {
      const c = this.category(name);
      refIntents.set(c, (refIntents.get(c) ?? 0) + share);
    }
    const names = [...new Set([...refIntents.keys(), ...this.intents.keys()])].sort();
    const refShares = names.map((k) => refIntents.get(k) ?? 0);
    const live = names.map((k) => this.intents.get(k) ?? 0);
    const conf = histogram(this.confidences, ref.confidenceHistogram.edges);
    const len = histogram(this.lengths, ref.lengthHistogram.edges);
    const empty = this.n === 0;
    // The reference was taken on the dev split: its confidence histogram counts every row once.
    const referenceN = ref.confidenceHistogram.counts.reduce((s, c) => s + c, 0);
    // PSI and JS smooth counts, not shares; a manifest without its row count is taken as an exact reference.
    const refCounts = refShares.map((s) => s * (referenceN || 1e6));
    const used = (a: readonly number[], b: readonly number[]) =>
      a.filter((x, i) => x > 0 || (b[i] ?? 0) > 0).length;
    const intents = names.map((name, i) => ({ name, reference: refShares[i]!, live: live[i]! }));
    return {
      n: this.n,
      intentPsi: empty ? 0 : psi(refCounts, live),
      intentJs: empty ? 0 : jensenShannon(refCounts, live),
      confidencePsi: this.confidences.length ? psi(ref.confidenceHistogram.counts, conf.counts) : 0,
      lengthPsi: empty ? 0 : psi(ref.lengthHistogram.counts, len.counts),
      unknownTokenRate: this.tokens ? this.unknown / this.tokens : 0,
      referenceUnknownTokenRate: ref.unknownTokenRate,
      intents,
      ks: {
        confidence: ksBinned(ref.confidenceHistogram.counts, conf.counts),
        length: ksBinned(ref.lengthHistogram.counts, len.counts),
      },
      sampling: {
        referenceN,
        categories: {
          intent: used(refShares, live),
          confidence: used(ref.confidenceHistogram.counts, conf.counts),
          length: used(ref.lengthHistogram.counts, len.counts),
        },
      },
      details: {
        intents,
        confidence: { edges: conf.edges, reference: ref.confidenceHistogram.counts, live: conf.counts },
        length: { edges: len.edges, reference: ref.lengthHistogram.counts, live: len.counts },
        tokens: this.tokens,
        unknownTokens: this.unknown,
      },
    };
  }
}
