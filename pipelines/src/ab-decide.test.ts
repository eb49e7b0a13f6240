import { describe, expect, it } from 'vitest';
import { ACCURACY_UNDECIDABLE, DECISION_ALPHA, decideExperiment, decisionVerdict } from './ab-decide.ts';
import type { TExperimentResults, TVariantResult } from './ab-results.ts';
import { sampleRatioCheck } from './ab-stats.ts';

type TArm = { name: string; sessions: number; escalated: number; rated?: number; positive?: number };

const rate = (successes: number, n: number) => ({ successes, n, rate: n ? successes / n : null });

/** Results as experimentResults returns them, from raw counts (the control is named "control"). */
function results(arms: TArm[], primaryMetric = 'escalation_rate'): TExperimentResults {
  const variants: TVariantResult[] = arms.map((a) => ({
    id: a.name,
    name: a.name,
    modelVersionId: a.name,
    version: a.name,
    weight: 1 / arms.length,
    sessions: a.sessions,
    turns: a.sessions,
    escalationRate: rate(a.escalated, a.sessions),
    positiveFeedbackRate: rate(a.positive ?? 0, a.rated ?? 0),
    accuracy: rate(0, 0),
    vsControl: null,
  }));
  return {
    experiment: {
      id: 'e',
      name: 'e',
      status: 'RUNNING',
      primaryMetric,
      winnerVariantId: null,
      startedAt: null,
      stoppedAt: null,
    },
    window: null,
    countedAt: null,
    control: 'control',
    variants,
    sampleRatio: sampleRatioCheck(
      variants.map((v) => v.sessions),
      variants.map((v) => v.weight),
    ),
  };
}

/** mulberry32: small, seeded, good enough for a simulation that must give the same figures every run. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * One experiment looked at after every window of `perWindow` sessions per arm: sessions escalate with
 * the arm's rate, 30 % leave a rating, 70 % of ratings positive on both arms. Returns the first decision
 * other than "none" with the sessions per arm it took, or null after `windows` looks.
 */
function simulate(rand: () => number, escalation: { control: number; challenger: number }, windows = 40) {
  const arms = {
    control: { name: 'control', sessions: 0, escalated: 0, rated: 0, positive: 0 },
    challenger: { name: 'challenger', sessions: 0, escalated: 0, rated: 0, positive: 0 },
  };
  for (let w = 0; w < windows; w++) {
    for (const key of ['control', 'challenger'] as const)
      for (let i = 0; i < 50; i++) {
        const a = arms[key];
        a.sessions++;
        if (rand() < escalation[key]) a.escalated++;
        if (rand() < 0.3) {
          a.rated++;
          if (rand() < 0.7) a.positive++;
        }
      }
    const d = decideExperiment(results([arms.control, arms.challenger]));
    if (d.action !== 'none') return { decision: d, sessions: arms.control.sessions };
  }
  return null;
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

describe('automatic experiment decision', () => {
  const control = { name: 'control', sessions: 1000, escalated: 100, rated: 300, positive: 210 };

  it('rolls back a challenger worse on a guardrail, with the numbers in the reason', () => {
    const d = decideExperiment(
      results([control, { name: 'treatment', sessions: 1000, escalated: 160, rated: 300, positive: 215 }]),
    );
    expect(d).toMatchObject({
      action: 'rollback',
      variant: 'treatment',
      evidence: { metric: 'escalationRate', control: { rate: 0.1, n: 1000 }, challenger: { rate: 0.16 } },
    });
    if (d.action === 'none') throw new Error('expected a decision');
    // Two metrics tested for one challenger: alpha split in two.
    expect(d.evidence.alpha).toBeCloseTo(DECISION_ALPHA / 2, 10);
    expect(d.evidence.pValue).toBeLessThan(d.evidence.alpha);
    expect(d.reason).toMatch(
      /^rolled back: guardrail escalation rate 16\.0 % of 1000 for "treatment" vs 10\.0 % of 1000 for "control", always-valid p = [0-9.e-]+ < alpha 0\.025$/,
    );
    // Fewer positive ratings is a guardrail too, even when escalations are equal.
    const unliked = decideExperiment(
      results([control, { name: 'treatment', sessions: 1000, escalated: 100, rated: 300, positive: 120 }]),
    );
    expect(unliked).toMatchObject({ action: 'rollback', evidence: { metric: 'positiveFeedbackRate' } });
  });

  it('promotes a challenger that wins on the primary metric, unless a guardrail is worse', () => {
    const winner = { name: 'treatment', sessions: 1000, escalated: 50, rated: 300, positive: 215 };
    expect(decideExperiment(results([control, winner]))).toMatchObject({
      action: 'promote',
      variant: 'treatment',
      reason: expect.stringMatching(/^winner on escalation rate 5\.0 % of 1000 .*; no guardrail worse$/),
    });
    // Same escalation win, but customers rate it worse: that is a rollback, not a promotion.
    expect(decideExperiment(results([control, { ...winner, positive: 120 }]))).toMatchObject({
      action: 'rollback',
      evidence: { metric: 'positiveFeedbackRate' },
    });
    // With a third arm the alpha is split over four tests, and the better challenger is the one named.
    const three = decideExperiment(
      results([control, winner, { name: 'other', sessions: 1000, escalated: 95, rated: 300, positive: 210 }]),
    );
    expect(three).toMatchObject({ action: 'promote', variant: 'treatment', evidence: { alpha: 0.0125 } });
  });

  it('decides nothing on a broken split, too few sessions, or no significant difference', () => {
    expect(
      decideExperiment(results([control, { name: 'treatment', sessions: 700, escalated: 200 }])),
    ).toMatchObject({ action: 'none', why: expect.stringMatching(/sample-ratio mismatch/) });
    expect(
      decideExperiment(
        results([
          { name: 'control', sessions: 90, escalated: 5 },
          { name: 'treatment', sessions: 95, escalated: 60 },
        ]),
      ),
    ).toMatchObject({ action: 'none', why: 'too few sessions: "control" 90, "treatment" 95 of 100' });
    expect(
      decideExperiment(
        results([control, { name: 'treatment', sessions: 1000, escalated: 110, rated: 300, positive: 205 }]),
      ),
    ).toEqual({ action: 'none', why: 'no significant difference yet' });
  });

  it('puts the decision in words with its direction: a treatment significantly worse is a roll back, not "decided"', () => {
    const worse = decideExperiment(
      results([control, { name: 'treatment', sessions: 1000, escalated: 250, rated: 300, positive: 210 }]),
    );
    expect(decisionVerdict(worse)).toEqual({
      verdict: '"treatment" worse on guardrail escalation rate: roll back',
      detail: expect.stringMatching(
        /^rolled back: guardrail escalation rate 25\.0 % of 1000 for "treatment"/,
      ),
    });
    const better = decideExperiment(
      results([control, { name: 'treatment', sessions: 1000, escalated: 50, rated: 300, positive: 215 }]),
    );
    expect(decisionVerdict(better).verdict).toBe('"treatment" better on escalation rate: may promote');
    expect(decisionVerdict({ action: 'none', why: 'no significant difference yet' })).toEqual({
      verdict: 'no significant difference yet',
      detail: null,
    });
  });

  it('never promotes on accuracy, says why with the figures, and still rolls back on a guardrail', () => {
    const reviewed = (r: TExperimentResults, acc: Record<string, [number, number]>) => {
      for (const v of r.variants) {
        const [ok, n] = acc[v.name] ?? [0, 0];
        v.accuracy = rate(ok, n);
      }
      return r;
    };
    // Far better on accuracy, guardrails level: reported, not acted on.
    const d = decideExperiment(
      reviewed(
        results(
          [control, { name: 'treatment', sessions: 1000, escalated: 100, rated: 300, positive: 210 }],
          'accuracy',
        ),
        { control: [600, 1000], treatment: [950, 1000] },
      ),
    );
    expect(d).toEqual({
      action: 'none',
      why: `accuracy 95.0 % of 1000 for "treatment" vs 60.0 % of 1000 for "control": ${ACCURACY_UNDECIDABLE}`,
    });
    // A guardrail worse is rolled back whatever the primary metric, at alpha split over the guardrails only.
    const worse = decideExperiment(
      results(
        [control, { name: 'treatment', sessions: 1000, escalated: 160, rated: 300, positive: 215 }],
        'accuracy',
      ),
    );
    expect(worse).toMatchObject({ action: 'rollback', evidence: { metric: 'escalationRate', alpha: 0.025 } });
  });

  // Figures (seed 12, 400 runs each): A/A false decisions 1 / 400 = 0.25 % (alpha 0.05: the mixture SPRT
  // and the Bonferroni split are conservative); 25 % vs 10 % escalation rolled back in all 400 runs, after
  // a median of 200 and a 95th percentile of 350 sessions per arm.
  it('simulated: an A/A test looked at every 50 sessions for 40 windows acts falsely in at most ~alpha of 400 runs', () => {
    const rand = prng(12);
    let falseDecisions = 0;
    for (let r = 0; r < 400; r++) if (simulate(rand, { control: 0.1, challenger: 0.1 })) falseDecisions++;
    console.log(
      `A/A false decisions: ${falseDecisions} / 400 = ${((falseDecisions / 400) * 100).toFixed(2)} %`,
    );
    expect(falseDecisions / 400).toBeLessThanOrEqual(DECISION_ALPHA);
  });

  it('simulated: a challenger escalating 25 % vs 10 % is rolled back after a median 200, p95 350 sessions per arm', () => {
    const rand = prng(12);
    const took: number[] = [];
    for (let r = 0; r < 400; r++) {
      const out = simulate(rand, { control: 0.1, challenger: 0.25 });
      expect(out?.decision).toMatchObject({ action: 'rollback', evidence: { metric: 'escalationRate' } });
      took.push(out?.sessions ?? Infinity);
    }
    took.sort((a, b) => a - b);
    const [median, p95] = [quantile(took, 0.5), quantile(took, 0.95)];
    console.log(`25 % vs 10 % rolled back after median ${median}, p95 ${p95} sessions per arm`);
    expect(median).toBeLessThanOrEqual(250);
    expect(p95).toBeLessThanOrEqual(400);
  });
});
