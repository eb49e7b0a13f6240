import { rm } from 'node:fs/promises';
import { type TransactionClient, withTransaction } from '@acsa/db';
import { AliasMovedError, moveAliasIn, type TActor, type TAliasMove } from '@acsa/db/registry';
import {
  announceAliasMove,
  PRODUCTION_ALIAS,
  SHADOW_ALIAS,
  type TFlowContext,
  type TPromoteOutput,
  type TRetrainConfig,
  ZPromoteOutput,
  ZRetrainConfig,
} from '@acsa/pipelines';
import { runningExperimentName } from '@acsa/pipelines/experiments';
import { need } from './flow-context.ts';
import { lockRunNotCancelled } from './run-guard.ts';
import { startExperiment } from './start-experiment.ts';
import type { TStepDeps } from './step-deps.ts';
import type { TReporter } from './step-reporter.ts';

const ACTOR: TActor = { type: 'SYSTEM', display: 'system:trainer' };

/**
 * Acts on the gate's decision by the run's mode, then closes the run (SUCCEEDED, or REJECTED when the gate
 * refused) and deletes its working files (the registered bytes live in PostgreSQL).
 *
 * Alias moves, the run's closing and the step's output commit in one transaction that first locks the
 * promote step's row: an attempt that finds an output there returns it and moves nothing. So a timed-out
 * attempt that goes on beside its retry, or finishes after the run was promoted and an operator rolled it
 * back, never moves an alias a second time; a rerun after a crash finds the first attempt's result. A
 * run cancelled before the transaction takes its row's lock is refused (the step stops as cancelled).
 */
export async function promoteStep(
  deps: TStepDeps,
  runId: string,
  ctx: TFlowContext,
  report: TReporter,
): Promise<TPromoteOutput> {
  const gate = need(ctx, 'gate');
  const versionId = gate.passed ? need(ctx, 'register').versionId : null;
  if (gate.passed && !versionId) throw new Error('the gate passed but no version was registered');
  const { out, moves, earlier } = await withTransaction(deps.prisma, async (tx) => {
    const [step] = await tx.$queryRaw<{ output: unknown }[]>`
      SELECT output FROM "TrainingStep" WHERE "runId" = ${runId}::uuid AND name = 'promote' FOR UPDATE`;
    if (!step) throw new Error(`run ${runId} has no promote step`);
    // Under the run's row lock: a run cancelled before this commits moves no alias.
    await lockRunNotCancelled(tx, runId);
    const run = await tx.trainingRun.findUniqueOrThrow({ where: { id: runId } });
    const done = ZPromoteOutput.safeParse(step.output);
    // A replay of a run failed after its promotion was recorded (a timed-out last attempt that went on)
    // only closes it.
    if (done.success) {
      await closeRun(tx, runId, gate.passed);
      return { out: done.data, moves: [], earlier: true };
    }
    const config = ZRetrainConfig.parse(run.config);
    const moves: TAliasMove[] = [];
    const out: TPromoteOutput = versionId
      ? await promote(tx, moves, {
          runId,
          trigger: run.trigger,
          createdById: run.requestedById,
          versionId,
          config,
          comparedWith: need(ctx, 'snapshot').production?.version ?? null,
        })
      : {
          mode: config.mode,
          promoted: false,
          alias: null,
          experimentId: null,
          message: `rejected by the gate: ${gate.reasons.join('; ')}`,
        };
    // The run closes with this step (and a skipped register step): whoever sees the run finished sees its
    // steps finished too, before the worker's events are recorded.
    const now = await closeRun(tx, runId, gate.passed);
    const closed = { progress: 100, finishedAt: now, error: null };
    await tx.trainingStep.updateMany({
      where: { runId, name: 'promote' },
      data: { ...closed, status: gate.passed ? 'SUCCEEDED' : 'SKIPPED', output: out },
    });
    if (!gate.passed)
      await tx.trainingStep.updateMany({
        where: { runId, name: 'register' },
        data: { ...closed, status: 'SKIPPED' },
      });
    return { out, moves, earlier: false };
  });
  for (const m of moves)
    if (m.changed && deps.redis) await announceAliasMove(deps.redis, m.alias, m.toVersionId);
  const held = out.mode === 'direct' && !out.promoted;
  report.log(
    earlier ? `${out.message} (by an earlier attempt)` : out.message,
    gate.passed && !held ? 'info' : 'warn',
  );
  await rm(need(ctx, 'snapshot').dir, { recursive: true, force: true });
  return out;
}

/** Closes a run still open as SUCCEEDED (or REJECTED by the gate); returns the time it used. */
async function closeRun(tx: TransactionClient, runId: string, passed: boolean): Promise<Date> {
  const now = new Date();
  await tx.trainingRun.updateMany({
    where: { id: runId, status: { in: ['QUEUED', 'RUNNING'] } },
    data: { status: passed ? 'SUCCEEDED' : 'REJECTED', progress: 100, finishedAt: now, error: null },
  });
  return now;
}

/** Moves the aliases the run's mode asks for, in `tx`; each move goes into `moves` to be announced. */
async function promote(
  tx: TransactionClient,
  moves: TAliasMove[],
  a: {
    runId: string;
    trigger: string;
    createdById: string | null;
    versionId: string;
    config: TRetrainConfig;
    /**
     * The production version the gate compared the candidate with (the snapshot's); null when it compared
     * with none (nothing in production, or a version without stored bytes), and then it is not checked.
     */
    comparedWith: string | null;
  },
): Promise<TPromoteOutput> {
  const reason = `retraining run ${a.runId} (${a.trigger.toLowerCase()}): gate passed`;
  const move = async (
    alias: string,
    toVersionId: string,
    kind: 'PROMOTE' | 'SHADOW' | 'EXPERIMENT_START',
    expectedFrom?: string,
  ) => {
    const m = await moveAliasIn(tx, {
      alias,
      toVersionId,
      kind,
      actor: ACTOR,
      reason,
      ...(expectedFrom !== undefined ? { expectedFrom } : {}),
    });
    moves.push(m);
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
      // Only from the production the gate compared with: had someone moved it since (a rollback for
      // complaints, another promotion), the candidate would replace a version it was never compared with,
      // undoing that decision. It stays registered, for a person to promote.
      // Nor while an experiment runs: serving sends every session to its variants, so the move would
      // reach no customer, and concluding the experiment afterwards would find production off its control
      // and refuse the winner. Stopping a person's experiment is a person's call (a move by hand does it).
      const running = await runningExperimentName(tx);
      if (running)
        return {
          ...base,
          promoted: false,
          alias: null,
          message: `registered, not promoted: experiment ${running} is running and sends all traffic to its variants, so production would serve no one; promote it from Models (which stops the experiment) or after the experiment ends`,
        };
      let m: TAliasMove;
      try {
        m = await move(PRODUCTION_ALIAS, a.versionId, 'PROMOTE', a.comparedWith ?? undefined);
      } catch (e) {
        if (!(e instanceof AliasMovedError)) throw e;
        return {
          ...base,
          promoted: false,
          alias: null,
          message: `registered, not promoted: production is ${e.current ?? 'nothing'} now, not ${a.comparedWith} as the gate compared; promote it from Models if it should still go`,
        };
      }
      return {
        ...base,
        promoted: true,
        alias: PRODUCTION_ALIAS,
        message: `promoted to production (was ${m.fromVersionId ?? 'none'})`,
      };
    }
    case 'experiment':
      return startExperiment(tx, a, move);
  }
}
