import type {
  TEvalSummary,
  TEvaluateOutput,
  TGateCheck,
  TGateDecision,
  TGateThresholds,
} from '@acsa/pipelines';

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
const pt = (x: number) => `${(x * 100).toFixed(1)} pt`;
const NAMES = { accuracy: 'accuracy', macroF1: 'macro-F1' } as const;

function floor(check: string, name: string, value: number | null, limit: number): TGateCheck {
  if (value === null)
    return {
      check,
      passed: true,
      value,
      limit,
      message: `${name}: no such rows in the test split, not checked`,
    };
  const passed = value >= limit;
  return {
    check,
    passed,
    value,
    limit,
    message: `${name} ${pct(value)} ${passed ? '≥' : '<'} floor ${pct(limit)}`,
  };
}

function compare(c: TEvalSummary, p: TEvalSummary, t: TGateThresholds): TGateCheck[] {
  return t.compareOn.map((metric) => {
    const [cv, pv] = [c[metric], p[metric]];
    const limit = t.comparison === 'improvement' ? pv + t.minImprovement : pv - t.margin;
    const passed = cv >= limit - 1e-12;
    const rule =
      t.comparison === 'improvement'
        ? `must beat production by ${pt(t.minImprovement)}`
        : `may trail production by ${pt(t.margin)} at most`;
    return {
      check: `compare.${metric}`,
      passed,
      value: cv,
      limit,
      message: `${NAMES[metric]} ${pct(cv)} vs production ${pct(pv)} (${rule})`,
    };
  });
}

/** Intents production handled on enough test rows whose F1 the candidate lost more of than allowed. */
function intentRegressions(c: TEvalSummary, p: TEvalSummary, t: TGateThresholds): TGateCheck[] {
  const mine = new Map(c.perIntent.map((s) => [s.intent, s.f1]));
  const drops = p.perIntent
    .filter((s) => s.support >= t.minIntentSupport)
    .map((s) => ({ intent: s.intent, before: s.f1, after: mine.get(s.intent) ?? 0 }))
    .map((d) => ({ ...d, drop: d.before - d.after }))
    .sort((a, b) => b.drop - a.drop);
  const failed = drops.filter((d) => d.drop > t.maxIntentRegression + 1e-12);
  if (failed.length === 0) {
    const worst = drops[0];
    return [
      {
        check: 'intent.regression',
        passed: true,
        value: worst ? Math.max(0, worst.drop) : 0,
        limit: t.maxIntentRegression,
        message: worst
          ? `no intent lost more than ${pt(t.maxIntentRegression)} of F1 (worst: ${worst.intent}, ${pt(worst.drop)})`
          : `no intent has ${t.minIntentSupport}+ test rows to compare one by one`,
      },
    ];
  }
  return failed.map((d) => ({
    check: `intent.${d.intent}`,
    passed: false,
    value: d.drop,
    limit: t.maxIntentRegression,
    message: `intent ${d.intent}: F1 ${pct(d.after)} vs production ${pct(d.before)}, a drop of ${pt(d.drop)} (limit ${pt(t.maxIntentRegression)})`,
  }));
}

/**
 * The promotion gate: a pure function of the two evaluations and the thresholds, so the decision stored
 * with a run can be recomputed and explained. Every check is kept; the failed ones are the reasons.
 */
export function decideGate(evaluation: TEvaluateOutput, t: TGateThresholds): TGateDecision {
  const c = evaluation.candidate;
  const p = evaluation.production;
  const checks: TGateCheck[] = [
    floor('floor.accuracy', 'accuracy', c.accuracy, t.minAccuracy),
    floor('floor.macroF1', 'macro-F1', c.macroF1, t.minMacroF1),
    floor('floor.oosRecall', 'out-of-scope recall', c.oosRecall, t.minOosRecall),
    {
      check: 'budget.latency',
      passed: c.p99LatencyMs <= t.maxP99LatencyMs,
      value: c.p99LatencyMs,
      limit: t.maxP99LatencyMs,
      message: `p99 latency ${c.p99LatencyMs.toFixed(2)} ms ${c.p99LatencyMs <= t.maxP99LatencyMs ? '≤' : '>'} budget ${t.maxP99LatencyMs} ms`,
    },
    {
      check: 'budget.size',
      passed: c.sizeBytes <= t.maxSizeBytes,
      value: c.sizeBytes,
      limit: t.maxSizeBytes,
      message: `size ${(c.sizeBytes / 1e6).toFixed(1)} MB ${c.sizeBytes <= t.maxSizeBytes ? '≤' : '>'} budget ${(t.maxSizeBytes / 1e6).toFixed(1)} MB`,
    },
  ];
  const unloaded = evaluation.productionNotLoaded;
  if (p) checks.push(...compare(c, p, t), ...intentRegressions(c, p, t));
  else if (unloaded)
    // Production exists but could not be judged beside the candidate: a candidate is not promoted unjudged.
    checks.push({
      check: 'compare.production',
      passed: false,
      value: null,
      limit: null,
      message: `production ${unloaded.version} could not be loaded to compare with (${unloaded.error}); not judged against it: roll production back to a version that loads (acsa models rollback, or Models in the console), then retrain`,
    });
  else
    checks.push({
      check: 'compare.production',
      passed: true,
      value: null,
      limit: null,
      message: 'no production model to compare with; floors and budgets decide',
    });
  const reasons = checks.filter((k) => !k.passed).map((k) => k.message);
  return {
    passed: reasons.length === 0,
    reasons,
    checks,
    thresholds: t,
    candidate: { accuracy: c.accuracy, macroF1: c.macroF1 },
    production: p ? { accuracy: p.accuracy, macroF1: p.macroF1 } : null,
  };
}
