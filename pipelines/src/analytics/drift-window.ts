import type { PrismaClient } from '@acsa/db';
import { runsFromDriftReport } from '../runs/retrain-from-drift.ts';
import { isActiveRun } from '../runs/run-state.ts';
import { breachesOf } from './drift-breaches.ts';
import { appliedThresholds } from './drift-view.ts';

export type TDriftWindow = NonNullable<Awaited<ReturnType<typeof driftWindow>>>;

type THist = { edges: number[]; reference: number[]; live: number[] };
type TDetails = {
  intents?: { name: string; reference: number; live: number }[];
  confidence?: THist;
  length?: THist;
  ks?: Record<'confidence' | 'length', { d: number; p: number; n1: number; n2: number }>;
  source?: string;
};

const shares = (xs: readonly number[]) => {
  const total = xs.reduce((s, x) => s + x, 0);
  return xs.map((x) => (total ? x / total : 0));
};

/** A histogram as reference and live shares per bin, labelled by its range ("0.4–0.5"). */
function binsOf(h: THist | undefined, digits: number) {
  if (!h) return [];
  const ref = shares(h.reference);
  const live = shares(h.live);
  // The last length bin is open-ended (its upper edge is 1e9).
  const label = (i: number) => {
    const hi = h.edges[i + 1]!;
    return hi >= 1e6
      ? `${h.edges[i]!.toFixed(digits)}+`
      : `${h.edges[i]!.toFixed(digits)}–${hi.toFixed(digits)}`;
  };
  return ref.map((r, i) => ({
    bin: label(i),
    reference: r,
    live: live[i] ?? 0,
  }));
}

/**
 * One drift window as its detail view shows it: reference against live intent shares and confidence and
 * length histograms (as shares, so samples of different sizes compare), its figures and breaches, and the
 * retraining runs started from its alert. Null for an unknown id.
 */
export async function driftWindow(prisma: PrismaClient, reportId: string) {
  const r = await prisma.driftReport.findUnique({
    where: { id: reportId },
    include: { modelVersion: { select: { version: true } } },
  });
  if (!r) return null;
  const d = (r.details ?? {}) as TDetails;
  const intents = d.intents ?? [];
  const liveShares = shares(intents.map((i) => i.live));
  const runs = await runsFromDriftReport(prisma, r.id);
  const breaches = breachesOf(r.details);
  const moved = new Set(breaches.flatMap((b) => (b.metric === 'intentShare' && b.intent ? [b.intent] : [])));
  return {
    id: r.id,
    version: r.modelVersion.version,
    start: r.windowStart,
    end: r.windowEnd,
    n: r.n,
    alert: r.alert,
    source: d.source === 'shadow' ? ('shadow' as const) : ('answered' as const),
    figures: {
      intentPsi: r.intentPsi,
      intentJs: r.intentJs,
      confidencePsi: r.confidencePsi,
      lengthPsi: r.lengthPsi,
      unknownTokenRate: r.unknownTokenRate,
    },
    ks: d.ks ?? null,
    effectiveThresholds: appliedThresholds(r.details) as Record<string, number>,
    breaches,
    // `moved`: the intent-share test alerted on it, so the chart shows it however small its bars.
    intents: intents
      .map((i, k) => ({
        name: i.name,
        reference: i.reference,
        live: liveShares[k] ?? 0,
        moved: moved.has(i.name),
      }))
      .sort((a, b) => Math.max(b.reference, b.live) - Math.max(a.reference, a.live)),
    confidence: binsOf(d.confidence, 1),
    length: binsOf(d.length, 0),
    runs,
    activeRun: runs.find((x) => isActiveRun(x.status)) ?? null,
  };
}
