import { type Job, UnrecoverableError } from 'bullmq';
import { contextOf } from './flow-context.ts';
import { gateStep } from './gate-step.ts';
import { promoteStep } from './promote-step.ts';
import { registerStep } from './register-step.ts';
import { snapshotStep } from './snapshot-step.ts';
import type { TStepDeps } from './step-deps.ts';
import { stepJobOf } from './step-job.ts';
import { createReporter } from './step-reporter.ts';

/**
 * The processor of the light queue: the steps that are database work, run in the trainer's process. It
 * takes BullMQ's abort signal (BullMQ makes one only for a processor that declares it): a cancelled run's
 * snapshot stops before its longest parts.
 */
export function createLightProcessor(deps: TStepDeps) {
  return async (job: Job, _token?: string, signal?: AbortSignal): Promise<unknown> => {
    const { runId, step } = stepJobOf(job);
    const ctx = await contextOf(job);
    const report = createReporter(job);
    try {
      switch (step) {
        case 'snapshot':
          return { ...ctx, snapshot: await snapshotStep(deps, runId, report, signal) };
        case 'gate':
          return { ...ctx, gate: await gateStep(deps, runId, ctx, report) };
        case 'register':
          return { ...ctx, register: await registerStep(deps, runId, ctx, report) };
        case 'promote':
          return { ...ctx, promote: await promoteStep(deps, runId, ctx, report) };
        default:
          throw new UnrecoverableError(`step "${step}" does not run on the light queue`);
      }
    } finally {
      await report.flush();
    }
  };
}
