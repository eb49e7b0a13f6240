// jstat ships no types; only what the A/B and drift arithmetic call is declared.
declare module 'jstat' {
  const jStat: {
    normal: {
      cdf(x: number, mean: number, sd: number): number;
      inv(p: number, mean: number, sd: number): number;
    };
    chisquare: { cdf(x: number, dof: number): number; inv(p: number, dof: number): number };
    /** The regularised incomplete beta function I_x(a, b). */
    ibeta(x: number, a: number, b: number): number;
  };
  export default jStat;
}
