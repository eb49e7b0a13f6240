import type { PrismaClient, Role } from '@acsa/db';
import { ROLE_RANK } from '@acsa/pipelines/access';
import { TRPCError } from '@trpc/server';
import { describe, expect, it, vi } from 'vitest';

// The marker throws outside Next's server build; the modules it marks run here as on the server.
vi.mock('server-only', () => ({}));
// No procedure may reach Redis or a database here: a call that gets past its role check hits this instead.
vi.mock('../db', () => ({ db: () => unreachable }));
vi.mock('../retrain', () => ({ retrainClient: () => unreachable }));
vi.mock('../registry', () => ({ registryDeps: () => ({ prisma: unreachable, redis: null }) }));

class ReachedHandler extends Error {}
const unreachable = new Proxy(
  {},
  {
    get: () => {
      throw new ReachedHandler('the handler ran');
    },
  },
) as PrismaClient;

/**
 * The least role each procedure is for. A new procedure fails this test until it is listed here, so its
 * role is a decision someone wrote down, not whichever builder was copied.
 */
const MINIMUM_ROLE: Record<string, Role> = {
  'admin.createKey': 'ADMIN',
  'admin.revokeKey': 'ADMIN',
  'admin.setRole': 'ADMIN',
  'admin.setDisabled': 'ADMIN',
  'admin.addUser': 'ADMIN',
  'admin.setPassword': 'ADMIN',
  'admin.clearSignInFailures': 'ADMIN',
  'agreement.report': 'ENGINEER',
  'agreement.adjudicationList': 'ENGINEER',
  'agreement.adjudicate': 'ENGINEER',
  'agreement.settings': 'ENGINEER',
  'agreement.updateSettings': 'ENGINEER',
  'conversations.search': 'REVIEWER',
  'conversations.sendToReview': 'REVIEWER',
  'drift.retrain': 'ENGINEER',
  'escalations.list': 'REVIEWER',
  'escalations.take': 'REVIEWER',
  'escalations.resolve': 'REVIEWER',
  'escalations.handBack': 'REVIEWER',
  'experiments.create': 'ENGINEER',
  'experiments.stop': 'ENGINEER',
  'experiments.conclude': 'ENGINEER',
  'learningData.newLabels': 'REVIEWER',
  'learningData.versions': 'ENGINEER',
  'learningData.retrain': 'ENGINEER',
  'learningData.run': 'ENGINEER',
  'models.promote': 'ENGINEER',
  'models.rollback': 'ENGINEER',
  'models.replicas': 'ENGINEER',
  'queues.replayDeadLetter': 'ENGINEER',
  'queues.replayDeadLetters': 'ENGINEER',
  'review.inbox': 'REVIEWER',
  'review.modelVersion': 'REVIEWER',
  'review.next': 'REVIEWER',
  'review.label': 'REVIEWER',
  'review.skip': 'REVIEWER',
  'review.undo': 'REVIEWER',
  'runs.list': 'ENGINEER',
  'runs.start': 'ENGINEER',
  'runs.replay': 'ENGINEER',
  'runs.cancel': 'ENGINEER',
};

const ROLES = Object.keys(ROLE_RANK) as Role[];

async function codeOf(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return 'OK';
  } catch (e) {
    if (e instanceof TRPCError) return e.cause instanceof ReachedHandler ? 'REACHED' : e.code;
    if (e instanceof ReachedHandler) return 'REACHED';
    throw e;
  }
}

describe('every tRPC procedure checks its role before it does anything', async () => {
  const { appRouter } = await import('./app');
  const { createCallerFactory } = await import('../trpc');
  const paths = Object.keys(appRouter._def.procedures).sort();

  const callAs = (role: Role | null, path: string) => {
    const user = role && {
      id: '00000000-0000-0000-0000-000000000001',
      email: 'x@example.com',
      role,
      name: 'x',
    };
    const caller = createCallerFactory(appRouter)({ prisma: unreachable, user });
    const fn = path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], caller);
    // No input, or an empty one: a role check that comes after input parsing would show as BAD_REQUEST.
    return codeOf(() => (fn as (input?: unknown) => Promise<unknown>)(undefined));
  };

  it('lists every procedure with its least role, and nothing that is gone', () => {
    expect(paths).toEqual(Object.keys(MINIMUM_ROLE).sort());
  });

  it.each(paths)(
    '%s: signed out → UNAUTHORIZED, below its role → FORBIDDEN, at it → let through',
    async (path) => {
      const least = MINIMUM_ROLE[path] ?? 'REVIEWER';
      expect(await callAs(null, path)).toBe('UNAUTHORIZED');
      for (const role of ROLES) {
        const code = await callAs(role, path);
        if (ROLE_RANK[role] < ROLE_RANK[least]) expect(code, `${role} on ${path}`).toBe('FORBIDDEN');
        // Past the role check the call fails on its input or reaches the handler (which touches no database here).
        else expect(['BAD_REQUEST', 'REACHED', 'OK'], `${role} on ${path}: ${code}`).toContain(code);
      }
    },
  );
});
