import { REVIEW_REASONS, type TReviewFilters } from '@acsa/pipelines/review/types';

export const REASON_LABELS: Record<(typeof REVIEW_REASONS)[number], string> = {
  ESCALATION: 'Escalated',
  OUT_OF_SCOPE: 'Out of scope',
  LOW_CONFIDENCE: 'Low confidence',
  NEGATIVE_FEEDBACK: 'Negative feedback',
  DISAGREEMENT: 'Disagreement',
  SAMPLE: 'Sample',
  MANUAL: 'Sent by a person',
};

type TSearch = Record<string, string | string[] | undefined>;

/** Filters from a URL's query (?reason=A&reason=B&intent=x&model=uuid), so a filtered view can be shared. */
export function filtersFromSearch(search: TSearch): TReviewFilters {
  const reasons = [search.reason ?? []]
    .flat()
    .filter((r): r is (typeof REVIEW_REASONS)[number] => (REVIEW_REASONS as readonly string[]).includes(r));
  const one = (v: string | string[] | undefined) => (typeof v === 'string' && v ? v : null);
  const model = one(search.model);
  return {
    reasons,
    intent: one(search.intent),
    modelVersionId: model && /^[0-9a-f-]{36}$/i.test(model) ? model : null,
  };
}

export function filtersToSearch(f: TReviewFilters): string {
  const q = new URLSearchParams();
  for (const r of f.reasons) q.append('reason', r);
  if (f.intent) q.set('intent', f.intent);
  if (f.modelVersionId) q.set('model', f.modelVersionId);
  const s = q.toString();
  return s ? `?${s}` : '';
}
