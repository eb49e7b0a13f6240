import path from 'node:path';
import type { TransactionClient } from '@acsa/db';
import { StepCancelledError } from './step-cancelled.ts';

/** A run's working directory under the trainers' shared one: the snapshot's files, bundles, production's. */
export const runDir = (workDir: string, runId: string): string => path.join(workDir, 'runs', runId);

/**
 * Locks the run's row for the rest of `tx` and refuses a cancelled run. The console's cancel takes the same
 * lock, so a step's side effects (a registered version, alias moves) either commit before the cancel or
 * not at all: never for a run already cancelled.
 */
export async function lockRunNotCancelled(tx: TransactionClient, runId: string): Promise<void> {
  const [run] = await tx.$queryRaw<{ status: string }[]>`
    SELECT status::text AS status FROM "TrainingRun" WHERE id = ${runId}::uuid FOR UPDATE`;
  if (!run) throw new Error(`run ${runId} is gone`);
  if (run.status === 'CANCELLED') throw new StepCancelledError();
}
