import 'server-only';
import { retrainFromDriftReport } from '@acsa/pipelines/runs';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { retrainClient } from '../retrain';
import { engineerProcedure } from '../trpc';

export const driftRouter = {
  /** "Retrain from this alert": a DRIFT run naming the report; refused while one from it is active. */
  retrain: engineerProcedure
    .input(z.object({ reportId: z.uuid() }))
    .mutation(({ ctx, input }) => retrainFromDriftReport(ctx.prisma, ctx.user, retrainClient(), input)),
} satisfies TRPCRouterRecord;
