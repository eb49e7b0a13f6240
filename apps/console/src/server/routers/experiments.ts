import 'server-only';
import {
  concludeExperimentFromConsole,
  createExperimentFromConsole,
  stopExperimentFromConsole,
  ZCreateExperiment,
} from '@acsa/pipelines/experiments';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { registryDeps } from '../registry';
import { engineerProcedure } from '../trpc';

export const experimentsRouter = {
  create: engineerProcedure.input(ZCreateExperiment).mutation(async ({ ctx, input }) => {
    const e = await createExperimentFromConsole({ ...registryDeps(), prisma: ctx.prisma }, ctx.user, input);
    return { id: e.id, name: e.name, status: e.status };
  }),
  stop: engineerProcedure
    .input(z.object({ experimentId: z.uuid(), reason: z.string().max(500) }))
    .mutation(async ({ ctx, input }) => {
      const r = await stopExperimentFromConsole({ ...registryDeps(), prisma: ctx.prisma }, ctx.user, input);
      return { status: r.experiment.status, changed: r.changed };
    }),
  conclude: engineerProcedure
    .input(
      z.object({ experimentId: z.uuid(), winner: z.string().min(1).max(100), reason: z.string().max(500) }),
    )
    .mutation(async ({ ctx, input }) => {
      const r = await concludeExperimentFromConsole(
        { ...registryDeps(), prisma: ctx.prisma },
        ctx.user,
        input,
      );
      // promoted false: production had moved since the experiment started, and the message says so and
      // what to do; the person who clicked Conclude is told, not left with a bare "stopped" badge.
      return {
        status: r.experiment.status,
        winner: r.winner.name,
        moved: r.move.changed,
        promoted: r.promoted,
        message: r.message,
      };
    }),
} satisfies TRPCRouterRecord;
