/**
 * Chance-corrected agreement for nominal labels. Written out rather than taken from a library: no
 * well-kept npm package computes Cohen's κ and Krippendorff's α for this data shape, and each is a few lines
 * (checked against hand-worked examples in agreement-stats.test.ts).
 */

/** Cohen's κ of two raters over the same items: (p_o − p_e) / (1 − p_e). Null with no items or no variation. */
export function cohensKappa(pairs: ReadonlyArray<readonly [string, string]>): number | null {
  const n = pairs.length;
  if (n === 0) return null;
  const a = new Map<string, number>();
  const b = new Map<string, number>();
  let agree = 0;
  for (const [x, y] of pairs) {
    if (x === y) agree++;
    a.set(x, (a.get(x) ?? 0) + 1);
    b.set(y, (b.get(y) ?? 0) + 1);
  }
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
  const totals = new Map<string, number>();
  let disagreeing = 0;
  let n = 0;
  for (const unit of units) {
    const m = unit.length;
    if (m < 2) continue;
    const counts = new Map<string, number>();
    for (const v of unit) counts.set(v, (counts.get(v) ?? 0) + 1);
    for (const [c, nc] of counts) {
      totals.set(c, (totals.get(c) ?? 0) + nc);
      // Pairs (c, k≠c) within the unit, weighted 1/(m−1).
      disagreeing += (nc * (m - nc)) / (m - 1);
    }
    n += m;
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
  const both = new Map<string, number>();
  const one = new Map<string, number>();
  for (const [x, y] of pairs) {
    if (x === y) both.set(x, (both.get(x) ?? 0) + 1);
    else for (const c of [x, y]) one.set(c, (one.get(c) ?? 0) + 1);
  }
  const out = new Map<string, { agreement: number; pairs: number }>();
  for (const c of new Set([...both.keys(), ...one.keys()])) {
    const a = both.get(c) ?? 0;
    const bc = one.get(c) ?? 0;
    out.set(c, { agreement: (2 * a) / (2 * a + bc), pairs: a + bc });
  }
  return out;
}
