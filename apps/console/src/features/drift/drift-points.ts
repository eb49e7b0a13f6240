import type { TDriftView } from '@acsa/pipelines/analytics';
import { hourLabel } from '../../components/format';

type THour = TDriftView['versions'][number]['hourly'][number];

/**
 * A chart point per hour. An hour without a report has every figure and threshold null, never 0: a 0 is
 * drawn as "no drift at all", and recharts breaks a line only at a null (`connectNulls` off), which is what
 * shows the gap.
 */
type TPoint<K extends string> = { label: string; reported: boolean } & Record<K, number | null>;

export type TDriftPoint = TPoint<
  'intentPsi' | 'confidencePsi' | 'lengthPsi' | 'intentPsiLimit' | 'confidencePsiLimit' | 'lengthPsiLimit'
>;
export type TKsPoint = TPoint<'confidenceKs' | 'lengthKs' | 'confidenceKsLimit' | 'lengthKsLimit'>;

export const psiPoints = (hourly: readonly THour[]): TDriftPoint[] =>
  hourly.map(({ hour, window: w }) => ({
    label: hourLabel(hour),
    reported: w !== null,
    intentPsi: w?.intentPsi ?? null,
    confidencePsi: w?.confidencePsi ?? null,
    lengthPsi: w?.lengthPsi ?? null,
    intentPsiLimit: w?.thresholds.intentPsi ?? null,
    confidencePsiLimit: w?.thresholds.confidencePsi ?? null,
    lengthPsiLimit: w?.thresholds.lengthPsi ?? null,
  }));

export const ksPoints = (hourly: readonly THour[]): TKsPoint[] =>
  hourly.map(({ hour, window: w }) => ({
    label: hourLabel(hour),
    reported: w !== null,
    confidenceKs: w?.confidenceKs ?? null,
    lengthKs: w?.lengthKs ?? null,
    // A window without KS figures was held to no KS threshold: no step drawn there.
    confidenceKsLimit: w && w.confidenceKs !== null ? w.thresholds.confidenceKs : null,
    lengthKsLimit: w && w.lengthKs !== null ? w.thresholds.lengthKs : null,
  }));
