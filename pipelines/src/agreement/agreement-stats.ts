/**
 * Chance-corrected agreement for nominal labels. Written out rather than taken from a library: no
 * well-kept npm package computes Cohen's κ and Krippendorff's α for this data shape, and each is a few lines
 * (checked against hand-worked examples in agreement-stats.test.ts).
 */

/** How many times a pair of labels (x from the first rater, y from the second) was seen; counted in SQL. */
export type TPairCount = { x: string; y: string; n: number };

/**
 * A pair count for Krippendorff's α, with the number of labels `m` on the unit (item) the pairs came from:
 * each label of such a unit sits in m − 1 of its pairs, which is what turns pair counts back into α's
 * coincidence matrix.
 */
export type TUnitPairCount = TPairCount & { m: number };

const onePerPair = (pairs: ReadonlyArray<readonly [string, string]>): TPairCount[] =>
  pairs.map(([x, y]) => ({ x, y, n: 1 }));

/** Cohen's κ of two raters over the same items: (p_o − p_e) / (1 − p_e). Null with no items or no variation. */
export function cohensKappa(pairs: ReadonlyArray<readonly [string, string]>): number | null {
  return kappaFromCounts(onePerPair(pairs));
}

/** Cohen's κ from the two raters' confusion table, one cell per (x, y) seen. */
export function kappaFromCounts(cells: readonly TPairCount[]): number | null {
  let n = 0;
  const a = new Map<string, number>();
  const b = new Map<string, number>();
  let agree = 0;
  for (const { x, y, n: k } of cells) {
    n += k;
    if (x === y) agree += k;
    a.set(x, (a.get(x) ?? 0) + k);
    b.set(y, (b.get(y) ?? 0) + k);
  }
  if (n === 0) return null;
  const po = agree / n;
  let pe = 0;
  for (const [c, na] of a) pe += (na / n) * ((b.get(c) ?? 0) / n);
  return pe === 1 ? null : (po - pe) / (1 - pe);
}

/**
 * Krippendorff's α (nominal) over units each labeled by any number of raters (units with fewer than two
 * labels carry no information and are left out): 1 − (n − 1) · Σ_{c≠k} o_ck / Σ_{c≠k} n_c n_k, from the
 * coincidence matrix o. Null when there is nothing to compare or only one category was ever used.
 */
export function krippendorffAlpha(units: ReadonlyArray<ReadonlyArray<string>>): number | null {
  const cells: TUnitPairCount[] = [];
  for (const unit of units)
    for (let i = 0; i < unit.length; i++)
      for (let j = i + 1; j < unit.length; j++)
        cells.push({ x: unit[i]!, y: unit[j]!, n: 1, m: unit.length });
  return alphaFromPairCounts(cells);
}

/**
 * Krippendorff's α from the unordered label pairs within units, counted per unit size m: a unit's
 * disagreeing pair adds 2 / (m − 1) to Σ_{c≠k} o_ck (both orders), and each of its labels is in m − 1
 * pairs. Sums stay integers per m and are divided once, so two-label units give exactly the per-unit sums.
 */
export function alphaFromPairCounts(cells: readonly TUnitPairCount[]): number | null {
  const bySize = new Map<number, { disagreeing: number; labels: Map<string, number> }>();
  for (const { x, y, n: k, m } of cells) {
    if (m < 2) continue;
    const s = bySize.get(m) ?? { disagreeing: 0, labels: new Map<string, number>() };
    if (x !== y) s.disagreeing += k;
    for (const c of [x, y]) s.labels.set(c, (s.labels.get(c) ?? 0) + k);
    bySize.set(m, s);
  }
  const totals = new Map<string, number>();
  let disagreeing = 0;
  let n = 0;
  for (const [m, s] of bySize) {
    disagreeing += (2 * s.disagreeing) / (m - 1);
    for (const [c, k] of s.labels) {
      totals.set(c, (totals.get(c) ?? 0) + k / (m - 1));
      n += k / (m - 1);
    }
  }
  let expected = 0;
  for (const [c, nc] of totals) for (const [k, nk] of totals) if (c !== k) expected += nc * nk;
  if (n === 0 || expected === 0) return null;
  return 1 - ((n - 1) * disagreeing) / expected;
}

/**
 * Per intent: positive specific agreement 2a / (2a + b + c) over pairs of labels, where a pair counts in a
 * when both raters chose the intent and in b or c when one did: how consistently people recognise it.
 */
export function specificAgreement(
  pairs: ReadonlyArray<readonly [string, string]>,
): Map<string, { agreement: number; pairs: number }> {
  return specificAgreementFromCounts(onePerPair(pairs));
}

/** Positive specific agreement per intent from pair counts (symmetric: which rater is x does not matter). */
export function specificAgreementFromCounts(
  cells: readonly TPairCount[],
): Map<string, { agreement: number; pairs: number }> {
  const both = new Map<string, number>();
  const one = new Map<string, number>();
  for (const { x, y, n: k } of cells) {
    if (x === y) both.set(x, (both.get(x) ?? 0) + k);
    else for (const c of [x, y]) one.set(c, (one.get(c) ?? 0) + k);
  }
  const out = new Map<string, { agreement: number; pairs: number }>();
  for (const c of new Set([...both.keys(), ...one.keys()])) {
    const a = both.get(c) ?? 0;
    const bc = one.get(c) ?? 0;
    out.set(c, { agreement: (2 * a) / (2 * a + bc), pairs: a + bc });
  }
  return out;
}
