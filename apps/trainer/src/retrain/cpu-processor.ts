// Entry of the sandboxed processes that run the CPU-bound steps (BullMQ loads this file by path in a
// child process): training and evaluation block their event loop for minutes, which in the trainer's
// own process would starve lock renewal and get the job taken away as stalled.

import { type SandboxedJob, UnrecoverableError } from 'bullmq';
import { evaluateStep } from './evaluate-step.ts';
import { exitWithParent } from './exit-with-parent.ts';
import { contextOf } from './flow-context.ts';
import { stepJobOf } from './step-job.ts';
import { createReporter } from './step-reporter.ts';
import { trainStep } from './train-step.ts';

exitWithParent();

export default async function cpuProcessor(job: SandboxedJob): Promise<unknown> {
  const { runId, step } = stepJobOf(job);
  const ctx = await contextOf(job);
  const report = createReporter(job);
  try {
    if (step === 'train') return { ...ctx, train: await trainStep(runId, ctx, report) };
    if (step === 'evaluate') return { ...ctx, evaluate: await evaluateStep(ctx, report) };
    throw new UnrecoverableError(`step "${step}" does not run on the CPU queue`);
  } finally {
    await report.flush();
  }
}
