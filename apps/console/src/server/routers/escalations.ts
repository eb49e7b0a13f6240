import 'server-only';
import {
  countActiveEscalations,
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
  /**
   * Active ones oldest first, the 50 who waited longest, with how many there are in all (`total`: a longer
   * queue says so, it is not cut silently); resolved ones a page at a time.
   */
  list: reviewerProcedure
    .input(
      z.object({
        status: z.enum(['active', 'resolved']).default('active'),
        before: z.string().max(100).optional(),
      }),
    )
    .query(async ({ ctx, input }) =>
      input.status === 'resolved'
        ? listResolvedEscalations(ctx.prisma, { before: input.before }).then((page) => ({
            ...page,
            total: null,
          }))
        : await Promise.all([listEscalations(ctx.prisma), countActiveEscalations(ctx.prisma)]).then(
            ([items, total]) => ({ items, older: null, total }),
          ),
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
