import { DEFAULT_GATE_THRESHOLDS, resolveGateThresholds, type TEvalSummary } from '@acsa/pipelines';
import { describe, expect, it } from 'vitest';
import { decideGate } from './gate.ts';

const intents = (f1: Record<string, number>) =>
  Object.entries(f1).map(([intent, f]) => ({ intent, support: 20, precision: f, recall: f, f1: f }));

const model = (o: Partial<TEvalSummary> = {}): TEvalSummary => ({
  n: 600,
  accuracy: 0.92,
  macroF1: 0.9,
  inScopeAccuracy: 0.93,
  oosRecall: 0.8,
  ece: 0.03,
  sizeBytes: 4_000_000,
  p50LatencyMs: 0.05,
  p99LatencyMs: 0.4,
  p50EndToEndMs: 0.1,
  perIntent: intents({ track_order: 0.95, get_refund: 0.9 }),
  ...o,
});

const failedChecks = (d: ReturnType<typeof decideGate>) =>
  d.checks.filter((c) => !c.passed).map((c) => c.check);

describe('the promotion gate', () => {
  it('passes a candidate on par with production within the non-inferiority margin', () => {
    const d = decideGate(
      { testRows: 600, candidate: model({ accuracy: 0.916, macroF1: 0.897 }), production: model() },
      DEFAULT_GATE_THRESHOLDS,
    );
    expect(d.passed).toBe(true);
    expect(d.reasons).toEqual([]);
    expect(d.checks.map((c) => c.check)).toEqual([
      'floor.accuracy',
      'floor.macroF1',
      'floor.oosRecall',
      'budget.latency',
      'budget.size',
      'compare.accuracy',
      'compare.macroF1',
      'intent.regression',
    ]);
  });

  it('refuses a candidate more than half a point worse than production, naming the metric', () => {
    const d = decideGate(
      { testRows: 600, candidate: model({ accuracy: 0.91, macroF1: 0.9 }), production: model() },
      DEFAULT_GATE_THRESHOLDS,
    );
    expect(d.passed).toBe(false);
    expect(failedChecks(d)).toEqual(['compare.accuracy']);
    expect(d.reasons).toEqual([
      'accuracy 91.00 % vs production 92.00 % (may trail production by 0.5 pt at most)',
    ]);
  });

  it('requires a real gain when configured for improvement', () => {
    const t = resolveGateThresholds({ comparison: 'improvement', minImprovement: 0.01 });
    const same = decideGate({ testRows: 600, candidate: model(), production: model() }, t);
    expect(failedChecks(same)).toEqual(['compare.accuracy', 'compare.macroF1']);
    const better = decideGate(
      { testRows: 600, candidate: model({ accuracy: 0.935, macroF1: 0.91 }), production: model() },
      t,
    );
    expect(better.passed).toBe(true);
  });

  it('refuses a better-on-average candidate that forgot one intent, and ignores intents with few rows', () => {
    const production = model({
      perIntent: [
        ...intents({ track_order: 0.95, get_refund: 0.9 }),
        { intent: 'rare', support: 3, precision: 1, recall: 1, f1: 1 },
      ],
    });
    const candidate = model({
      accuracy: 0.95,
      macroF1: 0.93,
      perIntent: intents({ track_order: 0.99, get_refund: 0.7 }),
    });
    const d = decideGate({ testRows: 600, candidate, production }, DEFAULT_GATE_THRESHOLDS);
    expect(failedChecks(d)).toEqual(['intent.get_refund']);
    expect(d.reasons[0]).toBe(
      'intent get_refund: F1 70.00 % vs production 90.00 %, a drop of 20.0 pt (limit 10.0 pt)',
    );
  });

  it('applies floors and budgets even without a production model, and skips the OOS floor without OOS rows', () => {
    const d = decideGate(
      {
        testRows: 600,
        candidate: model({ accuracy: 0.8, oosRecall: null, p99LatencyMs: 40, sizeBytes: 100 * 1024 * 1024 }),
        production: null,
      },
      DEFAULT_GATE_THRESHOLDS,
    );
    expect(failedChecks(d)).toEqual(['floor.accuracy', 'budget.latency', 'budget.size']);
    expect(d.checks.find((c) => c.check === 'floor.oosRecall')).toMatchObject({ passed: true, value: null });
    expect(d.checks.at(-1)).toMatchObject({ check: 'compare.production', passed: true });
    expect(d.production).toBeNull();
  });

  it('refuses a candidate it could not judge against a production model that exists but would not load', () => {
    const d = decideGate(
      {
        testRows: 600,
        candidate: model(),
        production: null,
        productionNotLoaded: {
          version: 'intent-2026.12.01-ab12',
          error: 'model.onnx: protobuf parsing failed',
        },
      },
      DEFAULT_GATE_THRESHOLDS,
    );
    expect(d.passed).toBe(false);
    expect(d.reasons).toEqual([
      'production intent-2026.12.01-ab12 could not be loaded to compare with (model.onnx: protobuf parsing failed); not judged against it: roll production back to a version that loads (acsa models rollback, or Models in the console), then retrain',
    ]);
  });
});
