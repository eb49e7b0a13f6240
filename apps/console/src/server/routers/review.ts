import 'server-only';
import {
  nextLabelTasks,
  reviewInboxList,
  reviewModelVersion,
  skipItem,
  submitLabel,
  undoLabel,
  ZEntitySpan,
  ZReviewFilters,
} from '@acsa/pipelines/review';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { reviewerProcedure } from '../trpc';

export const reviewRouter = {
  inbox: reviewerProcedure
    .input(z.object({ filters: ZReviewFilters, limit: z.number().int().max(200).optional() }))
    .query(({ ctx, input }) => reviewInboxList(ctx.prisma, input)),
  /** The inbox filter's typed version name, checked: an unknown one is refused naming the field. */
  modelVersion: reviewerProcedure
    .input(z.object({ version: z.string().trim().min(1).max(200) }))
    .query(({ ctx, input }) => reviewModelVersion(ctx.prisma, input.version)),
  next: reviewerProcedure
    .input(
      z.object({
        filters: ZReviewFilters,
        exclude: z.array(z.uuid()).max(1000).default([]),
        limit: z.number().int().min(1).max(20).default(5),
      }),
    )
    .mutation(({ ctx, input }) => nextLabelTasks(ctx.prisma, { user: ctx.user, ...input })),
  label: reviewerProcedure
    .input(
      z.object({
        reviewItemId: z.uuid(),
        intent: z.string().min(1).max(100),
        entities: z.array(ZEntitySpan).max(50),
      }),
    )
    .mutation(({ ctx, input }) => submitLabel(ctx.prisma, ctx.user, input)),
  skip: reviewerProcedure
    .input(z.object({ reviewItemId: z.uuid() }))
    .mutation(({ ctx, input }) => skipItem(ctx.prisma, ctx.user, input.reviewItemId)),
  /** Undoes the label this tab saved (the id `label` returned), never merely the reviewer's newest. */
  undo: reviewerProcedure
    .input(z.object({ labelId: z.uuid() }))
    .mutation(({ ctx, input }) => undoLabel(ctx.prisma, ctx.user, input)),
} satisfies TRPCRouterRecord;
