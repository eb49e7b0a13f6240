import { isAppError } from '@acsa/core/errors';
import type { Command } from 'commander';
import { cliActor } from '../cli-actor.ts';
import { CliError } from '../cli-error.ts';
import { assertRedisAnswers, connectDatabase, openRedis, queuePrefix } from '../services.ts';

/** The console's bounds on a cancel's reason (its form and its tRPC input): the same run note either way. */
const REASON_MIN = 3;
const REASON_MAX = 500;

/** A refusal of the domain's, as one line naming what the person typed it in. */
const FLAG: Record<string, string> = { reason: '--reason', runId: '<runId>' };
const toCliError = (e: unknown) => {
  if (!isAppError(e)) return e;
  const flag = e.field ? FLAG[e.field] : undefined;
  return new CliError(flag ? `${flag}: ${e.message}` : e.message);
};

function checkReason(raw: string): string {
  const reason = raw.trim();
  if (reason.length < REASON_MIN)
    throw new CliError(`--reason: say why in ${REASON_MIN} characters at least, got ${JSON.stringify(raw)}`);
  if (raw.length > REASON_MAX)
    throw new CliError(`--reason: at most ${REASON_MAX} characters, got ${raw.length}`);
  return reason;
}

async function cancel(typed: string, flags: { reason: string; json?: boolean }): Promise<void> {
  const [{ cancelRun, runIdFromPrefix, runIdRange }, { createRetrainClient }] = await Promise.all([
    import('@acsa/pipelines/runs'),
    import('@acsa/pipelines/retrain'),
  ]);
  // Both checked before connecting: a typo is told at once, whatever state the database is in.
  const reason = checkReason(flags.reason);
  try {
    runIdRange(typed);
  } catch (e) {
    throw toCliError(e);
  }
  // The database first: one that is down or silent is named in one line, with no Redis connection left open.
  const prisma = await connectDatabase();
  try {
    const runId = await runIdFromPrefix(prisma, typed).catch((e: unknown) => {
      throw toCliError(e);
    });
    const [connection, prefix] = await Promise.all([openRedis(), queuePrefix()]);
    const client = createRetrainClient({ prisma, connection, prefix });
    try {
      await assertRedisAnswers(connection);
      const r = await cancelRun(prisma, cliActor(), client, { runId, reason }).catch((e: unknown) => {
        throw toCliError(e);
      });
      if (flags.json) return console.log(JSON.stringify(r));
      console.log(
        r.stopping
          ? `run ${r.id} cancelled; the trainer running ${r.stopping.step ?? 'its step'} is told to stop`
          : `run ${r.id} cancelled`,
      );
    } finally {
      await client.close();
      connection.disconnect();
    }
  } finally {
    await prisma.$disconnect();
  }
}

export function registerCancel(runs: Command): void {
  runs
    .command('cancel')
    .description(
      'Cancel a queued or running run, as the console’s Cancel run does: steps not started leave the queues, ' +
        'a step executing is stopped by its trainer; audited (retrain.cancel) as cli:<login>',
    )
    .argument('<runId>', 'the run’s id as `acsa runs list` prints it, or its first 8 characters or more')
    .requiredOption('--reason <why>', `why, kept with the run (${REASON_MIN}–${REASON_MAX} characters)`)
    .option('--json', 'print one JSON object')
    .addHelpText(
      'after',
      `
Refused, exit 1: a run that already ended, an id prefix that matches no run or several, a --reason
shorter than ${REASON_MIN} characters.`,
    )
    .action((runId: string, flags: { reason: string; json?: boolean }) => cancel(runId, flags));
}
