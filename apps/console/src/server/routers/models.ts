import 'server-only';
import {
  CONSOLE_ALIASES,
  promoteFromConsole,
  rollbackFromConsole,
  servingReplicas,
} from '@acsa/pipelines/registry';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { loadEnv } from '../../env';
import { registryDeps } from '../registry';
import { engineerProcedure } from '../trpc';

const ZConfirmedMove = z.object({
  alias: z.enum(CONSOLE_ALIASES),
  reason: z.string().max(500),
  expectedFrom: z.string().max(200).nullable(),
  // The experiment the dialog said the move stops; see promoteFromConsole.
  expectedExperiment: z.string().max(200).nullable(),
});

export const modelsRouter = {
  promote: engineerProcedure
    .input(ZConfirmedMove.extend({ version: z.string().min(1).max(200) }))
    .mutation(({ ctx, input }) =>
      promoteFromConsole({ ...registryDeps(), prisma: ctx.prisma }, ctx.user, input),
    ),
  rollback: engineerProcedure
    .input(ZConfirmedMove)
    .mutation(({ ctx, input }) =>
      rollbackFromConsole({ ...registryDeps(), prisma: ctx.prisma }, ctx.user, input),
    ),
  /** Each serving worker's report (what it answers with per alias) against the registry; polled by the page. */
  replicas: engineerProcedure.query(({ ctx }) =>
    servingReplicas(
      { prisma: ctx.prisma, redis: registryDeps().redis ?? null },
      { prefix: loadEnv().SERVING_REDIS_PREFIX },
    ),
  ),
} satisfies TRPCRouterRecord;
