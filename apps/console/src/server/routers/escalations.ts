import 'server-only';
import {
  handBackEscalation,
  listEscalations,
  listResolvedEscalations,
  resolveEscalation,
  takeEscalation,
} from '@acsa/pipelines/escalations';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { reviewerProcedure } from '../trpc';

const ZId = z.object({ id: z.uuid() });

export const escalationsRouter = {
  /** Active ones all at once (the queue is short and oldest first); resolved ones a page at a time. */
  list: reviewerProcedure
    .input(
      z.object({
        status: z.enum(['active', 'resolved']).default('active'),
        before: z.string().max(100).optional(),
      }),
    )
    .query(async ({ ctx, input }) =>
      input.status === 'resolved'
        ? listResolvedEscalations(ctx.prisma, { before: input.before })
        : { items: await listEscalations(ctx.prisma), older: null },
    ),
  take: reviewerProcedure
    .input(ZId)
    .mutation(({ ctx, input }) => takeEscalation(ctx.prisma, ctx.user, input.id)),
  resolve: reviewerProcedure
    .input(z.object({ id: z.uuid(), note: z.string().max(4000) }))
    .mutation(({ ctx, input }) => resolveEscalation(ctx.prisma, ctx.user, input)),
  handBack: reviewerProcedure
    .input(ZId)
    .mutation(({ ctx, input }) => handBackEscalation(ctx.prisma, ctx.user, input.id)),
} satisfies TRPCRouterRecord;
