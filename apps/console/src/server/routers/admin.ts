import 'server-only';
import {
  addUser,
  clearSignInFailures,
  createApiKey,
  revokeApiKey,
  setUserDisabled,
  setUserPassword,
  setUserRole,
  ZNewUser,
  ZPassword,
} from '@acsa/pipelines/admin';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { registryDeps } from '../registry';
import { adminProcedure } from '../trpc';

export const adminRouter = {
  createKey: adminProcedure
    .input(
      z.object({
        name: z.string().min(1).max(100),
        kind: z.enum(['SECRET', 'PUBLISHABLE']),
        allowedOrigins: z.array(z.string().max(300)).max(20),
      }),
    )
    .mutation(({ ctx, input }) => createApiKey(ctx.prisma, ctx.user, input)),
  revokeKey: adminProcedure
    .input(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => revokeApiKey(ctx.prisma, ctx.user, input.id, registryDeps().redis)),
  setRole: adminProcedure
    .input(z.object({ userId: z.uuid(), role: z.enum(['REVIEWER', 'ENGINEER', 'ADMIN']) }))
    .mutation(({ ctx, input }) => setUserRole(ctx.prisma, ctx.user, input)),
  setDisabled: adminProcedure
    .input(z.object({ userId: z.uuid(), disabled: z.boolean() }))
    .mutation(({ ctx, input }) => setUserDisabled(ctx.prisma, ctx.user, input)),
  addUser: adminProcedure.input(ZNewUser).mutation(({ ctx, input }) => addUser(ctx.prisma, ctx.user, input)),
  setPassword: adminProcedure
    .input(z.object({ userId: z.uuid(), password: ZPassword }))
    .mutation(({ ctx, input }) => setUserPassword(ctx.prisma, ctx.user, input)),
  clearSignInFailures: adminProcedure
    // With an address held for everyone's failures: the user passes that hold too.
    .input(z.object({ userId: z.uuid(), address: z.string().trim().min(1).max(100).optional() }))
    .mutation(({ ctx, input }) => clearSignInFailures(ctx.prisma, ctx.user, input)),
} satisfies TRPCRouterRecord;
