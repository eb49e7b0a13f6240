/** The alias serving answers with. */
export const PRODUCTION_ALIAS = 'production';
/** Where a candidate promoted in `shadow` mode goes: scored beside production, answering no one. */
export const SHADOW_ALIAS = 'shadow';
/** One alias per variant of an experiment, so each variant's moves are in the alias history. */
export const experimentAlias = (experimentName: string, variant: string): string =>
  `experiment:${experimentName}:${variant}`;
