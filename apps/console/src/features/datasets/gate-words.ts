import type { TRunView } from '@acsa/pipelines/learning-data';
import { pct } from '../../components/format';

type TGate = NonNullable<TRunView['gate']>;
type TFailed = TGate['failed'][number];

/** A threshold as people set it: `0.85` → `85 %`, `0.855` → `85.5 %`. */
const limitPct = (x: number) => pct(x, Number.isInteger(Math.round(x * 1000) / 10) ? 0 : 1);

const FLOORS: Record<string, string> = {
  'floor.accuracy': 'accuracy',
  'floor.macroF1': 'macro-F1',
  'floor.oosRecall': 'out-of-scope recall',
};

/** One failed check in words, each figure once and at the page's precision. */
function failedWords(c: TFailed): string {
  const name = FLOORS[c.check];
  if (name && c.value != null && c.limit != null)
    return `${name} ${pct(c.value)}, below the ${limitPct(c.limit)} floor`;
  // The headline already says the candidate's accuracy and production's: only the bar it missed is left.
  if (c.check === 'compare.accuracy' && c.limit != null)
    return `accuracy below the ${pct(c.limit)} production allows`;
  return c.message;
}

/**
 * The gate's decision as one sentence: the candidate's accuracy (against production's, when there is one),
 * then why it was refused. A failed accuracy floor is told with the headline figure, not repeated after it.
 */
export function gateSentence(g: TGate): string {
  const floor = g.failed.find((c) => c.check === 'floor.accuracy' && c.limit != null);
  const vs = g.productionAccuracy != null ? ` vs ${pct(g.productionAccuracy)} in production` : '';
  const below = floor?.limit != null ? `, below the ${limitPct(floor.limit)} floor` : '';
  const rest = g.failed.filter((c) => c !== floor).map(failedWords);
  return `Gate ${g.passed ? 'passed' : 'refused the candidate'}: accuracy ${pct(g.candidateAccuracy)}${vs}${below}${rest.length ? `; ${rest.join('; ')}` : ''}`;
}
