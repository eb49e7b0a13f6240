import 'server-only';
import { replayDeadLetterFromConsole, replayDeadLettersFromConsole } from '@acsa/pipelines/dead-letters';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { queueDeps } from '../queues';
import { engineerProcedure } from '../trpc';

export const queuesRouter = {
  replayDeadLetter: engineerProcedure
    .input(z.object({ id: z.string().min(1).max(200) }))
    .mutation(({ ctx, input }) => replayDeadLetterFromConsole(ctx.prisma, ctx.user, queueDeps(), input.id)),
  replayDeadLetters: engineerProcedure
    .input(z.object({ ids: z.array(z.string().min(1).max(200)).min(1).max(100) }))
    .mutation(({ ctx, input }) => replayDeadLettersFromConsole(ctx.prisma, ctx.user, queueDeps(), input.ids)),
} satisfies TRPCRouterRecord;
