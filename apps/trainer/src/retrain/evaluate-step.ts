import { readFile } from 'node:fs/promises';
import { evaluate, type TEvalReport } from '@acsa/ml/eval';
import { IntentClassifier } from '@acsa/ml/onnx';
import type { TEvalSummary, TEvaluateOutput, TFlowContext } from '@acsa/pipelines';
import { UnrecoverableError } from 'bullmq';
import { need } from './flow-context.ts';
import type { TReporter } from './step-reporter.ts';

/** Enough texts for a stable p99 without making evaluation the slow step. */
const LATENCY_SAMPLES = 300;

const summary = (r: TEvalReport): TEvalSummary => ({
  n: r.n,
  accuracy: r.accuracy,
  macroF1: r.macroF1,
  inScopeAccuracy: r.inScopeAccuracy,
  oosRecall: r.oosRecall,
  ece: r.ece,
  sizeBytes: r.sizeBytes,
  p50LatencyMs: r.p50LatencyMs,
  p99LatencyMs: r.p99LatencyMs,
  p50EndToEndMs: r.p50EndToEndMs,
  perIntent: r.perIntent.map((s) => ({ ...s })),
  confusions: r.confusions,
});

/**
 * Candidate and production on the same frozen test rows, in the same process one after the other, so
 * their quality and latency figures are comparable (CPU-bound: runs in a sandboxed process).
 */
export async function evaluateStep(ctx: TFlowContext, report: TReporter): Promise<TEvaluateOutput> {
  const snap = need(ctx, 'snapshot');
  const train = need(ctx, 'train');
  const rows = (await readFile(snap.testFile, 'utf8'))
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { text: string; intent: string });
  if (rows.length === 0)
    throw new UnrecoverableError('the snapshot has no test rows: nothing to judge a candidate on');
  const candidate = await IntentClassifier.load(train.bundleDir);
  let production: IntentClassifier | null = null;
  let productionNotLoaded: TEvaluateOutput['productionNotLoaded'];
  if (snap.production) {
    const { version } = snap.production;
    production = await IntentClassifier.load(snap.production.bundleDir).catch((e: Error) => {
      report.log(`production ${version} could not be loaded (${e.message}); the gate will refuse`, 'warn');
      productionNotLoaded = { version, error: e.message };
      return null;
    });
  }
  try {
    const half = production ? 50 : 100;
    const c = await evaluate(candidate, rows, {
      latencySamples: LATENCY_SAMPLES,
      onProgress: (d, t) => report.progress((d / t) * half, 'candidate'),
    });
    report.log(
      `candidate: accuracy ${(c.accuracy * 100).toFixed(2)} %, macro-F1 ${(c.macroF1 * 100).toFixed(2)} %, p99 ${c.p99LatencyMs.toFixed(2)} ms on ${rows.length} test rows`,
    );
    const p = production
      ? await evaluate(production, rows, {
          latencySamples: LATENCY_SAMPLES,
          onProgress: (d, t) => report.progress(50 + (d / t) * 50, 'production'),
        })
      : null;
    if (p)
      report.log(
        `production: accuracy ${(p.accuracy * 100).toFixed(2)} %, macro-F1 ${(p.macroF1 * 100).toFixed(2)} %, p99 ${p.p99LatencyMs.toFixed(2)} ms`,
      );
    return {
      testRows: rows.length,
      candidate: summary(c),
      production: p ? summary(p) : null,
      ...(productionNotLoaded ? { productionNotLoaded } : {}),
    };
  } finally {
    await Promise.all([candidate.release(), production?.release()]);
  }
}
