import type { PrismaClient } from '@acsa/db';
import {
  alphaFromPairCounts,
  kappaFromCounts,
  specificAgreementFromCounts,
  type TPairCount,
  type TUnitPairCount,
} from './agreement-stats.ts';

export type TAgreementReport = {
  /** Overlap items with at least two labels. */
  items: number;
  alpha: number | null;
  pairs: { a: string; b: string; items: number; kappa: number | null; observed: number }[];
  intents: { intent: string; agreement: number; pairs: number }[];
};

type TPairRow = { m: number; u1: string; u2: string; x: string; y: string; n: number };

/**
 * Label pairs on the overlap items, counted per reviewer pair, intent pair and number of labels on the item.
 * Counting in SQL keeps what crosses the wire as small as reviewers² × intents² however many items there are
 * (loading the items and their labels grew with every overlap item ever labeled). u1 < u2 takes each pair of
 * labels on an item once; (messageId, userId) is unique, so one reviewer never pairs with themself.
 */
function labelPairCounts(prisma: PrismaClient): Promise<TPairRow[]> {
  return prisma.$queryRaw<TPairRow[]>`
    WITH unit AS (
      SELECT l."reviewItemId" AS id, count(*)::int AS m
      FROM "Label" l JOIN "ReviewItem" r ON r.id = l."reviewItemId"
      WHERE r."requiredLabels" >= 2
      GROUP BY l."reviewItemId"
      HAVING count(*) >= 2
    )
    SELECT u.m, l1."userId"::text AS u1, l2."userId"::text AS u2, l1.intent AS x, l2.intent AS y,
           count(*)::int AS n
    FROM unit u
    JOIN "Label" l1 ON l1."reviewItemId" = u.id
    JOIN "Label" l2 ON l2."reviewItemId" = u.id AND l1."userId" < l2."userId"
    GROUP BY 1, 2, 3, 4, 5`;
}

/**
 * Agreement on the overlap items (those that needed two or more labels): Cohen's κ for every pair of
 * reviewers over the items both labeled, Krippendorff's α over all of them, and per intent the positive
 * specific agreement. Labels are counted as given, before any adjudication.
 */
export async function agreementReport(prisma: PrismaClient): Promise<TAgreementReport> {
  const rows = await labelPairCounts(prisma);
  const ids = [...new Set(rows.flatMap((r) => [r.u1, r.u2]))];
  const users = new Map(
    (await prisma.user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })).map(
      (u) => [u.id, u],
    ),
  );
  // Ordered by name for display, then id: two reviewers who share a name are still two reviewers.
  const before = (p: string, q: string) => {
    const [x, y] = [users.get(p)!, users.get(q)!];
    return (x.name.localeCompare(y.name) || x.id.localeCompare(y.id)) <= 0;
  };
  const byPair = new Map<string, { a: string; b: string; cells: TPairCount[] }>();
  let items = 0;
  for (const r of rows) {
    const [a, b, x, y] = before(r.u1, r.u2) ? [r.u1, r.u2, r.x, r.y] : [r.u2, r.u1, r.y, r.x];
    const key = `${a}\u0000${b}`;
    const entry = byPair.get(key) ?? { a: users.get(a)!.name, b: users.get(b)!.name, cells: [] };
    entry.cells.push({ x, y, n: r.n });
    byPair.set(key, entry);
    // An item with m labels has m(m − 1)/2 pairs.
    items += (2 * r.n) / (r.m * (r.m - 1));
  }
  const cells: TUnitPairCount[] = rows.map((r) => ({ x: r.x, y: r.y, n: r.n, m: r.m }));
  return {
    items: Math.round(items),
    alpha: alphaFromPairCounts(cells),
    pairs: [...byPair.values()]
      .sort((p, q) => p.a.localeCompare(q.a) || p.b.localeCompare(q.b))
      .map((p) => {
        const n = p.cells.reduce((s, c) => s + c.n, 0);
        const agree = p.cells.reduce((s, c) => s + (c.x === c.y ? c.n : 0), 0);
        return { a: p.a, b: p.b, items: n, kappa: kappaFromCounts(p.cells), observed: agree / n };
      }),
    intents: [...specificAgreementFromCounts(cells)]
      .map(([intent, s]) => ({ intent, ...s }))
      .sort((x, y) => x.agreement - y.agreement || y.pairs - x.pairs),
  };
}
