import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { CliError } from '../cli-error.ts';
import { assertRedisAnswers, connectDatabase, openRedis, queuePrefix } from '../services.ts';
import { checkDatasetNames } from './retrain-datasets.ts';

const POLL_MS = 1_000;
/** `--wait`'s exit codes beyond 0 and 1 (an error, or a run that failed or was cancelled): scripts branch on them. */
const EXIT_GATE_REFUSED = 2;
const EXIT_NOT_PROMOTED = 3;
/** A run still queued after this long means no trainer is taking work: say so instead of waiting mutely. */
const NO_TRAINER_HINT_MS = 30_000;

type TFlags = {
  mode: string;
  preset: string;
  weight?: string;
  dataset: string[];
  refreezeTest?: boolean;
  reason?: string;
  wait?: boolean;
  json?: boolean;
};

type TRunView = {
  id: string;
  status: string;
  progress: number;
  gatePassed: boolean | null;
  gate: {
    reasons?: string[];
    candidate?: { accuracy: number; macroF1: number };
    production?: { accuracy: number } | null;
  } | null;
  error: string | null;
  version: string | null;
  promotion: string | null;
  /**
   * Whether the promote step moved the candidate where the run's mode asked (null: no result recorded). A
   * passed gate can still promote nothing: production moved since the gate compared, or another experiment
   * is running; mode none never promotes.
   */
  promoted: boolean | null;
  mode: string | null;
  step: string | null;
};

async function view(prisma: import('@acsa/db').PrismaClient, id: string): Promise<TRunView> {
  const run = await prisma.trainingRun.findUniqueOrThrow({
    where: { id },
    include: { steps: { orderBy: { position: 'asc' } }, candidates: { select: { version: true } } },
  });
  const promote = run.steps.find((s) => s.name === 'promote')?.output as {
    message?: string;
    promoted?: boolean;
    mode?: string;
  } | null;
  return {
    id: run.id,
    status: run.status,
    progress: run.progress,
    gatePassed: run.gatePassed,
    gate: run.gate as TRunView['gate'],
    error: run.error,
    version: run.candidates[0]?.version ?? null,
    promotion: promote?.message ?? null,
    promoted: promote?.promoted ?? null,
    mode: promote?.mode ?? null,
    step: run.steps.find((s) => s.status === 'RUNNING')?.name ?? null,
  };
}

async function waitForRun(
  prisma: import('@acsa/db').PrismaClient,
  id: string,
  showBar: boolean,
): Promise<TRunView> {
  const bar = showBar
    ? new cliProgress.SingleBar(
        { stream: process.stderr, format: 'retraining [{bar}] {percentage}% {step}', hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : null;
  bar?.start(100, 0, { step: '' });
  const started = Date.now();
  let hinted = false;
  try {
    for (;;) {
      const v = await view(prisma, id);
      bar?.update(Math.floor(v.progress), { step: v.step ?? v.status.toLowerCase() });
      if (!['QUEUED', 'RUNNING'].includes(v.status)) return v;
      if (!hinted && v.status === 'QUEUED' && Date.now() - started > NO_TRAINER_HINT_MS) {
        hinted = true;
        console.error('\nthe run is still queued: is a trainer running (npm start, or apps/trainer)?');
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  } finally {
    bar?.stop();
  }
}

function report(v: TRunView): string {
  const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
  const lines = [`run ${v.id}: ${v.status.toLowerCase()}`];
  if (v.gate?.candidate)
    lines.push(
      `  candidate accuracy ${pct(v.gate.candidate.accuracy)}, macro-F1 ${pct(v.gate.candidate.macroF1)}` +
        (v.gate.production ? `; production accuracy ${pct(v.gate.production.accuracy)}` : ''),
    );
  for (const r of v.gate?.reasons ?? []) lines.push(`  gate: ${r}`);
  if (v.version) lines.push(`  version ${v.version}`);
  if (v.promotion && v.status !== 'REJECTED') lines.push(`  ${v.promotion}`);
  if (v.error) lines.push(`  error: ${v.error}`);
  return lines.join('\n');
}

/** `--weight` as a number (null without one); what is not a number is refused, quoting what was given. */
function weightOf(flags: TFlags): number | null {
  if (flags.weight === undefined) return null;
  const weight = Number(flags.weight);
  if (!flags.weight.trim() || !Number.isFinite(weight))
    throw new CliError(`--weight: ${JSON.stringify(flags.weight)} is not a number`);
  return weight;
}

async function retrain(flags: TFlags): Promise<void> {
  const [{ createRetrainClient, ZRetrainRequest }, { SNAPSHOT_DATASET, ZRetrainConfig }] = await Promise.all([
    import('@acsa/pipelines/retrain'),
    import('@acsa/pipelines'),
  ]);
  // Checked here, by the request's own schema: after connecting, it failed as a raw ZodError dump.
  const reason = ZRetrainRequest.shape.reason.safeParse(flags.reason);
  if (!reason.success) {
    const issue = reason.error.issues[0]!;
    throw new CliError(
      issue.code === 'too_big'
        ? `--reason: at most ${issue.maximum} characters, got ${flags.reason?.length}`
        : `--reason: ${issue.message}`,
    );
  }
  const weight = weightOf(flags);
  const config = ZRetrainConfig.safeParse({
    mode: flags.mode,
    preset: flags.preset,
    ...(weight === null ? {} : { experimentWeight: weight }),
    ...(flags.dataset.length ? { datasets: flags.dataset } : {}),
    refreezeTest: flags.refreezeTest ?? false,
  });
  if (!config.success) {
    const issue = config.error.issues[0]!;
    const flag = { mode: '--mode', preset: '--preset', experimentWeight: '--weight' }[String(issue.path[0])];
    throw new CliError(`${flag ?? issue.path.join('.')}: ${issue.message}`);
  }
  // Every other mode ignores the share: silently, the person would think they had set up an experiment.
  if (weight !== null && config.data.mode !== 'experiment')
    throw new CliError('--weight applies to --mode experiment only');
  // The database first: one that is down or silent is named in one line, with no Redis connection left open.
  const prisma = await connectDatabase();
  const [connection, prefix] = await Promise.all([openRedis(), queuePrefix()]);
  const client = createRetrainClient({
    prisma,
    connection,
    prefix,
  });
  try {
    await checkDatasetNames(prisma, flags.dataset, SNAPSHOT_DATASET);
    await assertRedisAnswers(connection);
    const result = await client.request({ trigger: 'MANUAL', reason: flags.reason, config: config.data });
    if (!flags.json) console.error(result.started ? `run ${result.runId} queued` : result.message);
    if (!flags.wait) {
      if (flags.json) console.log(JSON.stringify(result));
      return;
    }
    const v = await waitForRun(prisma, result.runId, !flags.json);
    console.log(flags.json ? JSON.stringify({ ...result, run: v }) : report(v));
    if (v.status === 'REJECTED')
      throw new CliError(`the gate refused the candidate: ${v.gate?.reasons?.join('; ')}`, EXIT_GATE_REFUSED);
    if (v.status !== 'SUCCEEDED')
      throw new CliError(`run ${v.id} ${v.status.toLowerCase()}: ${v.error ?? 'no error recorded'}`);
    // Exit 0 would tell a script the candidate is serving; it is only registered, for a person to move.
    if (v.promoted === false && v.mode !== 'none')
      throw new CliError(
        `the gate passed but nothing was promoted: ${v.promotion ?? 'no reason recorded'}`,
        EXIT_NOT_PROMOTED,
      );
  } finally {
    await client.close();
    connection.disconnect();
    await prisma.$disconnect();
  }
}

export function register(program: Command): void {
  program
    .command('retrain')
    .description(
      'Start a retraining run (snapshot → train → evaluate → gate → register → promote); ' +
        'while one is queued or running, reports that one instead of starting another',
    )
    .option('--mode <mode>', 'after the gate passes: direct | experiment | shadow | none', 'direct')
    .option('--preset <preset>', 'model size: small | bootstrap | full', 'full')
    .option('--weight <share>', "treatment's share of sessions in experiment mode (0–1)")
    .option(
      '--dataset <name>',
      'train on this dataset only (repeatable)',
      (v, acc: string[]) => [...acc, v],
      [],
    )
    .option('--refreeze-test', 'rebuild the frozen test split from the datasets')
    .option('--reason <text>', 'why, kept with the run (at most 500 characters)')
    .option(
      '--wait',
      'follow the run to its end with a progress bar; exit 2 if the gate refuses, 3 if it passes but nothing is promoted',
    )
    .option('--json', 'print one JSON object (no progress bar)')
    .addHelpText(
      'after',
      `
Exit codes with --wait:
  0  the run succeeded and the candidate went where --mode asked (mode none: registered only)
  1  an error, or the run failed or was cancelled
  ${EXIT_GATE_REFUSED}  the gate refused the candidate
  ${EXIT_NOT_PROMOTED}  the gate passed but nothing was promoted: production moved since the gate compared
     (direct), or another experiment is running (experiment); the candidate stays registered`,
    )
    .action((flags: TFlags) => retrain(flags));
}
