import {
  resolveGateThresholds,
  type TFlowContext,
  type TGateDecision,
  ZRetrainConfig,
} from '@acsa/pipelines';
import { gateDecisions } from '../metrics.ts';
import { need } from './flow-context.ts';
import { decideGate } from './gate.ts';
import type { TStepDeps } from './step-deps.ts';
import type { TReporter } from './step-reporter.ts';

/** Judges the candidate and stores the decision, with every check and reason, on the run. */
export async function gateStep(
  deps: TStepDeps,
  runId: string,
  ctx: TFlowContext,
  report: TReporter,
): Promise<TGateDecision> {
  const run = await deps.prisma.trainingRun.findUniqueOrThrow({
    where: { id: runId },
    select: { config: true },
  });
  const thresholds = resolveGateThresholds(ZRetrainConfig.parse(run.config).gate);
  const decision = decideGate(need(ctx, 'evaluate'), thresholds);
  await deps.prisma.trainingRun.update({
    where: { id: runId },
    data: { gate: decision, gatePassed: decision.passed },
  });
  gateDecisions.inc({ outcome: decision.passed ? 'passed' : 'refused' });
  if (decision.passed) report.log(`gate passed: ${decision.checks.map((c) => c.message).join('; ')}`);
  else for (const r of decision.reasons) report.log(`gate: ${r}`, 'warn');
  return decision;
}
