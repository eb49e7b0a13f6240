import type { TActor } from '../access/roles.ts';
import { auditIn } from '../audit/audited.ts';
import type { TRequestRecord } from '../retrain/retrain-client.ts';

/**
 * The audit entry of a console request, written by the retrain client in the transaction that stores the
 * run: an entry that cannot be written leaves no run and nothing queued, and an enqueue that fails after it
 * adds the entry that marks the run failed.
 */
export const auditedRequest =
  (actor: TActor, action: string, extra: object): TRequestRecord =>
  (tx, { before, after }) =>
    auditIn(tx, actor, {
      action,
      targetType: 'TrainingRun',
      targetId: after.runId,
      before,
      after: { ...after, ...extra },
    });
