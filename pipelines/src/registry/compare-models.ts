import type { PrismaClient } from '@acsa/db';
import { type TEvalSummary, ZEvaluateOutput, ZSnapshotOutput } from '../retrain/outputs.ts';
import { resolveVersion } from './resolve-version.ts';

export type TCompareFigures = { accuracy: number | null; macroF1: number | null; oosRecall: number | null };
export type TCompareBasis = 'same-test-rows' | 'own-test-rows' | 'dev';
export type TModelComparison = Awaited<ReturnType<typeof compareModels>>;

const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
const delta = (a: number | null, b: number | null) => (a === null || b === null ? null : b - a);
const byMove = (x: { delta: number | null }, y: { delta: number | null }) =>
  Math.abs(y.delta ?? 0) - Math.abs(x.delta ?? 0);

/** What a run's evaluate step measured, and which production version it measured beside the candidate. */
async function runEvaluation(prisma: PrismaClient, runId: string | null) {
  if (!runId) return null;
  const steps = await prisma.trainingStep.findMany({
    where: { runId, name: { in: ['snapshot', 'evaluate'] } },
    select: { name: true, output: true },
  });
  const evaluate = ZEvaluateOutput.safeParse(steps.find((s) => s.name === 'evaluate')?.output);
  if (!evaluate.success) return null;
  const snapshot = ZSnapshotOutput.safeParse(steps.find((s) => s.name === 'snapshot')?.output);
  return {
    ...evaluate.data,
    productionVersionId: snapshot.success ? (snapshot.data.production?.versionId ?? null) : null,
  };
}

/**
 * Two versions side by side: headline figures, per-intent F1 and the confusion pairs that moved. Figures
 * come from the fairest source there is: one run's evaluation of both on the same test rows (a candidate
 * and the production it was judged against), else each run's own evaluation on its frozen test rows, else
 * the dev figures in each manifest (different dev rows; no per-intent scores).
 */
export async function compareModels(prisma: PrismaClient, refs: { base: string; candidate: string }) {
  const [base, candidate] = await Promise.all([
    resolveVersion(prisma, refs.base),
    resolveVersion(prisma, refs.candidate),
  ]);
  const [baseRun, candidateRun] = await Promise.all([
    runEvaluation(prisma, base.trainingRunId),
    runEvaluation(prisma, candidate.trainingRunId),
  ]);
  let basis: TCompareBasis = 'dev';
  let pair: [TEvalSummary, TEvalSummary] | null = null;
  if (candidateRun?.production && candidateRun.productionVersionId === base.id) {
    basis = 'same-test-rows';
    pair = [candidateRun.production, candidateRun.candidate];
  } else if (baseRun?.production && baseRun.productionVersionId === candidate.id) {
    basis = 'same-test-rows';
    pair = [baseRun.candidate, baseRun.production];
  } else if (baseRun && candidateRun) {
    basis = 'own-test-rows';
    pair = [baseRun.candidate, candidateRun.candidate];
  }
  const dev = (v: { metrics: unknown }): TCompareFigures => {
    const d = (v.metrics as { dev?: Record<string, unknown> } | null)?.dev;
    return { accuracy: num(d?.accuracy), macroF1: num(d?.macroF1), oosRecall: num(d?.oosRecall) };
  };
  const figures: [TCompareFigures, TCompareFigures] = pair
    ? ([pair[0], pair[1]].map((s) => ({
        accuracy: s.accuracy,
        macroF1: s.macroF1,
        oosRecall: s.oosRecall,
      })) as [TCompareFigures, TCompareFigures])
    : [dev(base), dev(candidate)];
  const headline = (['accuracy', 'macroF1', 'oosRecall'] as const).map((metric) => ({
    metric,
    base: figures[0][metric],
    candidate: figures[1][metric],
    delta: delta(figures[0][metric], figures[1][metric]),
  }));

  const perIntent = pair ? perIntentDeltas(pair[0], pair[1]) : [];
  const confusions = pair?.[0].confusions && pair[1].confusions ? confusionMoves(pair[0], pair[1]) : null;
  const side = (v: typeof base) => ({
    id: v.id,
    version: v.version,
    kind: v.kind,
    sizeBytes: v.sizeBytes,
    createdAt: v.createdAt,
    testRows: null as number | null,
  });
  return {
    base: { ...side(base), testRows: pair?.[0].n ?? null },
    candidate: { ...side(candidate), testRows: pair?.[1].n ?? null },
    basis,
    headline,
    perIntent,
    /** null when either evaluation did not record its confusion pairs (runs before they were kept). */
    confusions,
  };
}

function perIntentDeltas(a: TEvalSummary, b: TEvalSummary) {
  const intents = [...new Set([...a.perIntent, ...b.perIntent].map((s) => s.intent))];
  const f1 = (s: TEvalSummary, intent: string) => s.perIntent.find((x) => x.intent === intent) ?? null;
  return intents
    .map((intent) => {
      const x = f1(a, intent);
      const y = f1(b, intent);
      return {
        intent,
        support: y?.support ?? x?.support ?? 0,
        base: x?.f1 ?? null,
        candidate: y?.f1 ?? null,
        delta: delta(x?.f1 ?? null, y?.f1 ?? null),
      };
    })
    .sort((x, y) => byMove(x, y) || x.intent.localeCompare(y.intent));
}

function confusionMoves(a: TEvalSummary, b: TEvalSummary) {
  const key = (c: { gold: string; predicted: string }) => `${c.gold}\u0000${c.predicted}`;
  const counts = new Map<string, { gold: string; predicted: string; base: number; candidate: number }>();
  for (const [side, s] of [
    ['base', a],
    ['candidate', b],
  ] as const)
    for (const c of s.confusions ?? []) {
      const row = counts.get(key(c)) ?? { gold: c.gold, predicted: c.predicted, base: 0, candidate: 0 };
      row[side] = c.n;
      counts.set(key(c), row);
    }
  return [...counts.values()]
    .map((r) => ({ ...r, delta: r.candidate - r.base }))
    .filter((r) => r.delta !== 0)
    .sort((x, y) => byMove(x, y) || x.gold.localeCompare(y.gold));
}
