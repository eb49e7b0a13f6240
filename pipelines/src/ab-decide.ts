import type { TExperimentResults, TMetric, TRate } from './ab-results.ts';
import { sequentialTest } from './ab-sequential.ts';

/** Chance, over the whole life of an experiment checked every window, of acting on a difference that is not there. */
export const DECISION_ALPHA = 0.05;
/**
 * Sessions each variant needs before anything is decided. The sequential test stays valid below it; this
 * keeps the normal approximation of a rate honest and one unlucky first hour from ending an experiment.
 */
export const MIN_DECISION_SESSIONS = 100;

/** Guardrails: a challenger significantly worse on either is rolled back, whatever its primary metric says. */
const GUARDRAILS = ['escalationRate', 'positiveFeedbackRate'] as const satisfies readonly TMetric[];
const HIGHER_IS_BETTER = {
  escalationRate: false,
  positiveFeedbackRate: true,
  accuracy: true,
} satisfies Record<TMetric, boolean>;
const LABEL = {
  escalationRate: 'escalation rate',
  positiveFeedbackRate: 'positive-feedback rate',
  accuracy: 'accuracy',
} satisfies Record<TMetric, string>;
/** Experiment.primaryMetric as stored (snake_case) → the results' metric. */
const PRIMARY = {
  escalation_rate: 'escalationRate',
  positive_feedback_rate: 'positiveFeedbackRate',
  accuracy: 'accuracy',
} as const satisfies Record<string, TMetric>;

/**
 * Why no experiment is decided automatically on accuracy. Each variant's reviewed turns are the ones its
 * own model flagged for review (low confidence, out of scope, escalated: ab-variant-counts.ts), so a
 * better-calibrated challenger sends fewer, harder turns and looks worse: the two rates are not measured
 * on the same kind of turn. Said by the decision and by the refusal to create such an experiment with
 * autoPromote (ab-create.ts).
 */
export const ACCURACY_UNDECIDABLE =
  'accuracy is measured on the turns each variant’s own model sent to review, so the variants’ accuracies compare different turns; the automatic check never promotes or rolls back on it, and a person must decide';

export type TDecisionEvidence = {
  variant: string;
  metric: TMetric;
  control: { rate: number; n: number };
  challenger: { rate: number; n: number };
  /** Always-valid p-value of the mixture SPRT, and the alpha it was held to (after the Bonferroni split). */
  pValue: number;
  alpha: number;
};

export type TDecision =
  | { action: 'none'; why: string }
  | { action: 'rollback' | 'promote'; variant: string; evidence: TDecisionEvidence; reason: string };

export type TDecideOptions = { alpha?: number; minSessions?: number };

const pct = (r: number) => `${(r * 100).toFixed(1)} %`;

function evidenceText(e: TDecisionEvidence, control: string): string {
  return (
    `${LABEL[e.metric]} ${pct(e.challenger.rate)} of ${e.challenger.n} for "${e.variant}" vs ` +
    `${pct(e.control.rate)} of ${e.control.n} for "${control}", always-valid p = ` +
    `${e.pValue.toPrecision(3)} < alpha ${Number(e.alpha.toPrecision(3))}`
  );
}

/**
 * The automatic decision on an experiment's results, checked at every window: roll back when a
 * challenger is significantly worse on a guardrail (escalation rate up, positive-feedback rate down);
 * else promote the challenger whose primary metric is significantly better. Significance is the mixture
 * SPRT's always-valid p-value (ab-sequential.ts), so checking every minute does not inflate false alarms.
 * alpha is split evenly over every (challenger, metric) test (Bonferroni), so the chance of any false
 * action over the experiment's life stays under alpha. Nothing is decided while the sample-ratio check
 * flags a mismatch (the assignment is broken, no figure can be trusted) or a variant has too few sessions,
 * and nothing is promoted on accuracy (ACCURACY_UNDECIDABLE); its guardrails still roll back.
 */
export function decideExperiment(results: TExperimentResults, opts: TDecideOptions = {}): TDecision {
  const minSessions = opts.minSessions ?? MIN_DECISION_SESSIONS;
  const control = results.variants.find((v) => v.name === results.control);
  const challengers = results.variants.filter((v) => v !== control);
  if (!control || !challengers.length) return { action: 'none', why: 'no control and challenger to compare' };
  if (results.sampleRatio.mismatch)
    return {
      action: 'none',
      why: `sample-ratio mismatch (p = ${results.sampleRatio.pValue.toPrecision(3)}): the split is broken`,
    };
  const short = results.variants.filter((v) => v.sessions < minSessions);
  if (short.length)
    return {
      action: 'none',
      why: `too few sessions: ${short.map((v) => `"${v.name}" ${v.sessions}`).join(', ')} of ${minSessions}`,
    };
  const primary = PRIMARY[results.experiment.primaryMetric as keyof typeof PRIMARY] ?? null;
  // Accuracy is never acted on (ACCURACY_UNDECIDABLE), so it takes no share of alpha from the guardrails.
  const acted = primary && primary !== 'accuracy' ? [primary] : [];
  const metrics = new Set<TMetric>([...GUARDRAILS, ...acted]);
  const alpha = (opts.alpha ?? DECISION_ALPHA) / (challengers.length * metrics.size);

  /** The challenger significantly better (`better`) or worse on `metric`, with the smallest p-value. */
  const strongest = (metric: TMetric, better: boolean): TDecisionEvidence | null => {
    let best: TDecisionEvidence | null = null;
    for (const v of challengers) {
      const c: TRate = control[metric];
      const t: TRate = v[metric];
      const test = sequentialTest(c, t, { alpha });
      if (!test?.decided || c.rate === null || t.rate === null) continue;
      const improved = HIGHER_IS_BETTER[metric] ? t.rate > c.rate : t.rate < c.rate;
      if (improved !== better || (best && best.pValue <= test.pValue)) continue;
      best = {
        variant: v.name,
        metric,
        control: { rate: c.rate, n: c.n },
        challenger: { rate: t.rate, n: t.n },
        pValue: test.pValue,
        alpha,
      };
    }
    return best;
  };

  const worse = GUARDRAILS.map((m) => strongest(m, false))
    .filter((e) => e !== null)
    .sort((a, b) => a.pValue - b.pValue)[0];
  if (worse)
    return {
      action: 'rollback',
      variant: worse.variant,
      evidence: worse,
      reason: `rolled back: guardrail ${evidenceText(worse, control.name)}`,
    };
  if (!primary)
    return { action: 'none', why: `unknown primary metric "${results.experiment.primaryMetric}"` };
  if (primary === 'accuracy') {
    const figures = challengers
      .map(
        (v) =>
          `${v.accuracy.rate === null ? '—' : pct(v.accuracy.rate)} of ${v.accuracy.n} for "${v.name}" vs ` +
          `${control.accuracy.rate === null ? '—' : pct(control.accuracy.rate)} of ${control.accuracy.n} for "${control.name}"`,
      )
      .join('; ');
    return { action: 'none', why: `accuracy ${figures}: ${ACCURACY_UNDECIDABLE}` };
  }
  const win = strongest(primary, true);
  if (win)
    return {
      action: 'promote',
      variant: win.variant,
      evidence: win,
      reason: `winner on ${evidenceText(win, control.name)}; no guardrail worse`,
    };
  return { action: 'none', why: 'no significant difference yet' };
}

/**
 * A decision in a few words for the console and `acsa experiments show`, with its evidence as the detail:
 * what the automatic check does on these figures, so no page calls a difference "decided" that the check
 * would not act on (or would act on the other way).
 */
export function decisionVerdict(d: TDecision): { verdict: string; detail: string | null } {
  if (d.action === 'none') return { verdict: d.why, detail: null };
  const metric = LABEL[d.evidence.metric];
  return d.action === 'promote'
    ? { verdict: `"${d.variant}" better on ${metric}: may promote`, detail: d.reason }
    : { verdict: `"${d.variant}" worse on guardrail ${metric}: roll back`, detail: d.reason };
}
