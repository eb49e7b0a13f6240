import 'server-only';
import { ZTrainingPreset } from '@acsa/pipelines';
import {
  listDatasetVersions,
  newLabelsSinceRetrain,
  retrainRunView,
  startRetrainFromConsole,
} from '@acsa/pipelines/learning-data';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { retrainClient } from '../retrain';
import { engineerProcedure, reviewerProcedure } from '../trpc';

export const learningDataRouter = {
  newLabels: reviewerProcedure.query(({ ctx }) => newLabelsSinceRetrain(ctx.prisma)),
  versions: engineerProcedure.query(({ ctx }) => listDatasetVersions(ctx.prisma)),
  run: engineerProcedure
    .input(z.object({ id: z.uuid() }))
    .query(({ ctx, input }) => retrainRunView(ctx.prisma, input.id)),
  retrain: engineerProcedure
    .input(z.object({ preset: ZTrainingPreset.optional() }).default({}))
    .mutation(({ ctx, input }) => startRetrainFromConsole(ctx.prisma, ctx.user, retrainClient(), input)),
} satisfies TRPCRouterRecord;
