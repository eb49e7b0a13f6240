import type { ReviewReason } from '@acsa/db';
import { z } from 'zod';

export const REVIEW_REASONS = [
  'ESCALATION',
  'OUT_OF_SCOPE',
  'LOW_CONFIDENCE',
  'NEGATIVE_FEEDBACK',
  'DISAGREEMENT',
  'SAMPLE',
  'MANUAL',
] as const satisfies readonly ReviewReason[];

export const ZReviewFilters = z.object({
  reasons: z.array(z.enum(REVIEW_REASONS)).max(REVIEW_REASONS.length).default([]),
  intent: z.string().max(100).nullish(),
  modelVersionId: z.uuid().nullish(),
});
export type TReviewFilters = z.infer<typeof ZReviewFilters>;

export const ZEntitySpan = z.object({
  type: z.string().min(1).max(40),
  value: z.string().max(500),
  start: z.number().int().min(0),
  end: z.number().int().min(0),
});
export type TEntitySpan = z.infer<typeof ZEntitySpan>;

export type TSuggestion = { intent: string; p: number };

/** One turn to label, with the conversation around it and what the model predicted. */
export type TLabelTask = {
  reviewItemId: string;
  messageId: string;
  reason: ReviewReason;
  priority: number;
  text: string;
  suggestions: TSuggestion[];
  entities: TEntitySpan[];
  prediction: {
    intent: string | null;
    confidence: number | null;
    modelVersion: string | null;
    variant: string | null;
  };
  context: { seq: number; role: 'USER' | 'AGENT' | 'SYSTEM'; text: string }[];
  seq: number;
};
