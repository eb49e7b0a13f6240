import { rm } from 'node:fs/promises';
import type { TActor } from '@acsa/db/registry';
import { moveAlias } from '@acsa/db/registry';
import {
  announceAliasMove,
  PRODUCTION_ALIAS,
  SHADOW_ALIAS,
  type TFlowContext,
  type TPromoteOutput,
  type TRetrainConfig,
  ZRetrainConfig,
} from '@acsa/pipelines';
import { need } from './flow-context.ts';
import { startExperiment } from './start-experiment.ts';
import type { TStepDeps } from './step-deps.ts';
import type { TReporter } from './step-reporter.ts';

const ACTOR: TActor = { type: 'SYSTEM', display: 'system:trainer' };

/**
 * Acts on the gate's decision by the run's mode, then closes the run (SUCCEEDED, or REJECTED when the gate
 * refused) and deletes its working files (the registered bytes live in PostgreSQL). Every move is
 * idempotent, so a rerun after a crash changes nothing that was already done.
 */
export async function promoteStep(
  deps: TStepDeps,
  runId: string,
  ctx: TFlowContext,
  report: TReporter,
): Promise<TPromoteOutput> {
  const { prisma } = deps;
  const run = await prisma.trainingRun.findUniqueOrThrow({ where: { id: runId } });
  const config = ZRetrainConfig.parse(run.config);
  const gate = need(ctx, 'gate');
  let out: TPromoteOutput;
  if (!gate.passed) {
    out = {
      mode: config.mode,
      promoted: false,
      alias: null,
      experimentId: null,
      message: `rejected by the gate: ${gate.reasons.join('; ')}`,
    };
  } else {
    const versionId = need(ctx, 'register').versionId;
    if (!versionId) throw new Error('the gate passed but no version was registered');
    out = await promote(deps, {
      runId,
      trigger: run.trigger,
      createdById: run.requestedById,
      versionId,
      config,
    });
  }
  report.log(out.message, gate.passed ? 'info' : 'warn');
  // The run closes here, with this step (and a skipped register step) in the same transaction: whoever
  // sees the run finished sees its steps finished too, before the worker's events are recorded.
  const now = new Date();
  await prisma.$transaction([
    prisma.trainingRun.updateMany({
      where: { id: runId, status: { in: ['QUEUED', 'RUNNING'] } },
      data: { status: gate.passed ? 'SUCCEEDED' : 'REJECTED', progress: 100, finishedAt: now, error: null },
    }),
    prisma.trainingStep.updateMany({
      where: { runId, name: { in: gate.passed ? ['promote'] : ['register', 'promote'] } },
      data: { status: gate.passed ? 'SUCCEEDED' : 'SKIPPED', progress: 100, finishedAt: now, error: null },
    }),
  ]);
  await rm(need(ctx, 'snapshot').dir, { recursive: true, force: true });
  return out;
}

async function promote(
  deps: TStepDeps,
  a: {
    runId: string;
    trigger: string;
    createdById: string | null;
    versionId: string;
    config: TRetrainConfig;
  },
): Promise<TPromoteOutput> {
  const { prisma } = deps;
  const reason = `retraining run ${a.runId} (${a.trigger.toLowerCase()}): gate passed`;
  const move = async (
    alias: string,
    toVersionId: string,
    kind: 'PROMOTE' | 'SHADOW' | 'EXPERIMENT_START',
  ) => {
    const m = await moveAlias(prisma, { alias, toVersionId, kind, actor: ACTOR, reason });
    if (m.changed && deps.redis) await announceAliasMove(deps.redis, alias, toVersionId);
    return m;
  };
  const base = { mode: a.config.mode, experimentId: null };
  switch (a.config.mode) {
    case 'none':
      return { ...base, promoted: false, alias: null, message: 'registered only (mode none)' };
    case 'shadow':
      await move(SHADOW_ALIAS, a.versionId, 'SHADOW');
      return { ...base, promoted: true, alias: SHADOW_ALIAS, message: 'now in shadow' };
    case 'direct': {
      const m = await move(PRODUCTION_ALIAS, a.versionId, 'PROMOTE');
      return {
        ...base,
        promoted: true,
        alias: PRODUCTION_ALIAS,
        message: `promoted to production (was ${m.fromVersionId ?? 'none'})`,
      };
    }
    case 'experiment':
      return startExperiment(deps, a, move);
  }
}
