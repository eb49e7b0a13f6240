import 'server-only';
import {
  adjudicate,
  adjudicationList,
  agreementReport,
  reviewSettings,
  updateReviewSettings,
} from '@acsa/pipelines/agreement';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { engineerProcedure } from '../trpc';

export const agreementRouter = {
  report: engineerProcedure.query(({ ctx }) => agreementReport(ctx.prisma)),
  adjudicationList: engineerProcedure.query(({ ctx }) => adjudicationList(ctx.prisma)),
  adjudicate: engineerProcedure
    .input(z.object({ reviewItemId: z.uuid(), intent: z.string().min(1).max(100) }))
    .mutation(({ ctx, input }) => adjudicate(ctx.prisma, ctx.user, input)),
  settings: engineerProcedure.query(({ ctx }) => reviewSettings(ctx.prisma)),
  updateSettings: engineerProcedure
    .input(z.object({ overlapShare: z.number().min(0).max(1) }))
    .mutation(({ ctx, input }) => updateReviewSettings(ctx.prisma, ctx.user, input)),
} satisfies TRPCRouterRecord;
