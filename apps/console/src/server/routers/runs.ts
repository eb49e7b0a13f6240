import 'server-only';
import { PROMOTION_MODES, ZTrainingPreset } from '@acsa/pipelines';
import { cancelRun, listRunsWithTotal, replayRun, startRun } from '@acsa/pipelines/runs';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { retrainClient } from '../retrain';
import { engineerProcedure } from '../trpc';

export const runsRouter = {
  /** The latest runs with how many there are in all; the runs page polls it. */
  list: engineerProcedure.query(({ ctx }) => listRunsWithTotal(ctx.prisma)),
  start: engineerProcedure
    .input(z.object({ mode: z.enum(PROMOTION_MODES), preset: ZTrainingPreset }))
    .mutation(({ ctx, input }) => startRun(ctx.prisma, ctx.user, retrainClient(), input)),
  replay: engineerProcedure
    .input(z.object({ runId: z.uuid() }))
    .mutation(({ ctx, input }) => replayRun(ctx.prisma, ctx.user, retrainClient(), input.runId)),
  cancel: engineerProcedure
    .input(z.object({ runId: z.uuid(), reason: z.string().max(500) }))
    .mutation(({ ctx, input }) => cancelRun(ctx.prisma, ctx.user, retrainClient(), input)),
} satisfies TRPCRouterRecord;
