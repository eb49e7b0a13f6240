import 'server-only';
import {
  handBackEscalation,
  listEscalations,
  resolveEscalation,
  takeEscalation,
} from '@acsa/pipelines/escalations';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { reviewerProcedure } from '../trpc';

const ZId = z.object({ id: z.uuid() });

export const escalationsRouter = {
  list: reviewerProcedure
    .input(z.object({ status: z.enum(['active', 'resolved']).default('active') }))
    .query(({ ctx, input }) => listEscalations(ctx.prisma, { status: input.status })),
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
