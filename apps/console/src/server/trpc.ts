import 'server-only';
import { type AppError, isAppError } from '@acsa/core/errors';
import { createLogger, type Logger } from '@acsa/core/logger';
import type { PrismaClient, Role } from '@acsa/db';
import { hasRole, sessionUser, type TSessionUser } from '@acsa/pipelines/access';
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { loadEnv } from '../env';
import { auth } from './better-auth';
import { db } from './db';
import { consoleErrorShape } from './error-shape';

export type TContext = { prisma: PrismaClient; user: TSessionUser | null };

export async function createContext(req: Request): Promise<TContext> {
  const prisma = db();
  return { prisma, user: await sessionUser(auth(), req.headers) };
}

// The one map from the error model's codes to tRPC's: an operation throws AppError, the client sees the
// matching code and the operation's message.
const TRPC_CODE: Partial<Record<AppError['code'], TRPCError['code']>> = {
  BAD_REQUEST: 'BAD_REQUEST',
  UNAUTHENTICATED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'TOO_MANY_REQUESTS',
};

let logger: Logger | undefined;
const log = (fields: Record<string, unknown>, message: string) => {
  logger ??= createLogger({ name: 'console', level: loadEnv().LOG_LEVEL });
  logger.error(fields, message);
};

const t = initTRPC.context<TContext>().create({
  transformer: superjson,
  errorFormatter: (opts) => consoleErrorShape(opts, log),
});

const appErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && isAppError(result.error.cause))
    throw new TRPCError({
      code: TRPC_CODE[result.error.cause.code] ?? 'INTERNAL_SERVER_ERROR',
      message: result.error.cause.message,
      cause: result.error.cause,
    });
  return result;
});

const atLeast = (role: Role) =>
  t.middleware(({ ctx, next }) => {
    if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'sign in first' });
    if (!hasRole(ctx.user.role, role))
      throw new TRPCError({ code: 'FORBIDDEN', message: `this needs the ${role.toLowerCase()} role` });
    return next({ ctx: { ...ctx, user: ctx.user } });
  });

export const router = t.router;
export const reviewerProcedure = t.procedure.use(appErrors).use(atLeast('REVIEWER'));
export const engineerProcedure = t.procedure.use(appErrors).use(atLeast('ENGINEER'));
export const adminProcedure = t.procedure.use(appErrors).use(atLeast('ADMIN'));
export const createCallerFactory = t.createCallerFactory;
