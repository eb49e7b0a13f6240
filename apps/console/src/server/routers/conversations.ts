import 'server-only';
import { searchConversations, sendToReview } from '@acsa/pipelines/conversations';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { reviewerProcedure } from '../trpc';

export const conversationsRouter = {
  search: reviewerProcedure
    .input(z.object({ q: z.string().max(200) }))
    .query(({ ctx, input }) => searchConversations(ctx.prisma, input)),
  sendToReview: reviewerProcedure
    .input(z.object({ messageId: z.uuid() }))
    .mutation(({ ctx, input }) => sendToReview(ctx.prisma, ctx.user, input.messageId)),
} satisfies TRPCRouterRecord;
