import type { TActor } from '../access/roles.ts';
import { auditIn } from '../audit/audited.ts';
import type { TRequestRecord } from '../retrain/retrain-client.ts';

/**
 * The audit entry of a console request, written by the retrain client in the transaction that stores the
 * run: an entry that cannot be written leaves no run and nothing queued, and an enqueue that fails after it
 * adds the entry that marks the run failed. The entry names the run unless `target` names what the run was
 * started from (a drift report: its entries are how the report finds its runs).
 */
export const auditedRequest =
  (
    actor: TActor,
    action: string,
    extra: object,
    options: { target?: { type: string; id: string } } = {},
  ): TRequestRecord =>
  (tx, { before, after }) =>
    auditIn(tx, actor, {
      action,
      targetType: options.target?.type ?? 'TrainingRun',
      targetId: options.target?.id ?? after.runId,
      before,
      after: { ...after, ...extra },
    });
