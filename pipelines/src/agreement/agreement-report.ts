import type { PrismaClient } from '@acsa/db';
import { cohensKappa, krippendorffAlpha, specificAgreement } from './agreement-stats.ts';

export type TAgreementReport = {
  /** Overlap items with at least two labels. */
  items: number;
  alpha: number | null;
  pairs: { a: string; b: string; items: number; kappa: number | null; observed: number }[];
  intents: { intent: string; agreement: number; pairs: number }[];
};

/**
 * Agreement on the overlap items (those that needed two or more labels): Cohen's κ for every pair of
 * reviewers over the items both labeled, Krippendorff's α over all of them, and per intent the positive
 * specific agreement. Labels are counted as given, before any adjudication.
 */
export async function agreementReport(prisma: PrismaClient): Promise<TAgreementReport> {
  const items = await prisma.reviewItem.findMany({
    where: { requiredLabels: { gte: 2 }, labels: { some: {} } },
    select: { labels: { select: { intent: true, user: { select: { id: true, name: true } } } } },
  });
  const units = items.map((i) => i.labels).filter((l) => l.length >= 2);
  const byPair = new Map<string, { a: string; b: string; pairs: [string, string][] }>();
  const allPairs: [string, string][] = [];
  for (const labels of units) {
    // Ordered by name for display, then id: two reviewers who share a name are still two reviewers.
    const sorted = [...labels].sort(
      (x, y) => x.user.name.localeCompare(y.user.name) || x.user.id.localeCompare(y.user.id),
    );
    for (let i = 0; i < sorted.length; i++)
      for (let j = i + 1; j < sorted.length; j++) {
        const [x, y] = [sorted[i]!, sorted[j]!];
        const key = `${x.user.id}\u0000${y.user.id}`;
        const entry = byPair.get(key) ?? { a: x.user.name, b: y.user.name, pairs: [] };
        entry.pairs.push([x.intent, y.intent]);
        byPair.set(key, entry);
        allPairs.push([x.intent, y.intent]);
      }
  }
  return {
    items: units.length,
    alpha: krippendorffAlpha(units.map((u) => u.map((l) => l.intent))),
    pairs: [...byPair.values()].map((p) => ({
      a: p.a,
      b: p.b,
      items: p.pairs.length,
      kappa: cohensKappa(p.pairs),
      observed: p.pairs.filter(([x, y]) => x === y).length / p.pairs.length,
    })),
    intents: [...specificAgreement(allPairs)]
      .map(([intent, s]) => ({ intent, ...s }))
      .sort((x, y) => x.agreement - y.agreement || y.pairs - x.pairs),
  };
}
