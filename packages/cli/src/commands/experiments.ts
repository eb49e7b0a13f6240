import type { Command } from 'commander';
import { cliActor } from '../cli-actor.ts';
import { CliError } from '../cli-error.ts';

/** As `acsa retrain --wait`: the conclusion stands, but production was not moved. */
const EXIT_NOT_PROMOTED = 3;

import { leftOutLine, parseLimit } from '../list-limit.ts';
import { openRegistryServices } from '../services.ts';

type TJson = { json?: boolean };
type TOpened = Awaited<ReturnType<typeof open>>;

async function open() {
  const [services, experiments] = await Promise.all([
    openRegistryServices(),
    import('@acsa/pipelines/experiments'),
  ]);
  return { ...services, experiments };
}

/** Opens the database (and Redis for announcements) per command; errors for people become one line. */
async function connect<T>(work: (c: TOpened) => Promise<T>): Promise<T> {
  const c = await open();
  try {
    return await work(c);
  } catch (e) {
    if ((e as Error).name === 'AppError') throw new CliError((e as Error).message);
    throw e;
  } finally {
    c.redis?.disconnect();
    await c.prisma.$disconnect();
  }
}

const pct = (x: number | null | undefined) =>
  x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)} %`;
const pts = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}`;
const day = (d: Date | null) => (d ? d.toISOString().slice(0, 16).replace('T', ' ') : '—');

type TResults = Awaited<ReturnType<TOpened['experiments']['experimentResults']>>;

function printResults(
  r: TResults,
  countedAgo: (at: Date | null) => string | null,
  decision: { verdict: string; detail: string | null } | null,
  ending: string | null,
) {
  const e = r.experiment;
  // An ended experiment's counts are stored and recounted daily: say when, so nobody takes them for live.
  const counted = countedAgo(r.countedAt);
  console.log(
    `${e.name}  ${e.status.toLowerCase()}  ${day(e.startedAt)} → ${day(e.stoppedAt)}  control: ${r.control}${counted ? `  (${counted})` : ''}`,
  );
  console.log(
    `${'variant'.padEnd(12)}${'version'.padEnd(30)}${'weight'.padStart(7)}${'sessions'.padStart(10)}${'escalated'.padStart(11)}${'positive'.padStart(10)}${'accuracy'.padStart(10)}`,
  );
  for (const v of r.variants)
    console.log(
      `${v.name.padEnd(12)}${v.version.padEnd(30)}${v.weight.toFixed(2).padStart(7)}${String(v.sessions).padStart(10)}${pct(v.escalationRate.rate).padStart(11)}${pct(v.positiveFeedbackRate.rate).padStart(10)}${pct(v.accuracy.rate).padStart(10)}`,
    );
  for (const v of r.variants) {
    if (!v.vsControl) continue;
    for (const [metric, c] of Object.entries(v.vsControl)) {
      if (!c) continue;
      console.log(
        `  ${v.name} vs ${r.control}  ${metric}: ${pts(c.diff)} pt [${pts(c.interval[0])}, ${pts(c.interval[1])}] 95 %, p = ${c.pValue.toPrecision(3)}`,
      );
    }
  }
  const s = r.sampleRatio;
  console.log(
    `  sample ratio: χ² ${s.chiSquare.toFixed(2)}, p = ${s.pValue.toPrecision(3)}${s.mismatch ? '  MISMATCH: assignment is broken; do not trust the differences' : ''}`,
  );
  // The console's "Automatic check" line: what the scheduled check does on these figures, not the z-tests.
  // It acts on running experiments only; an ended one says how it ended instead (experimentEndings).
  if (decision) {
    console.log(`  automatic check: ${decision.verdict}`);
    if (decision.detail) console.log(`    ${decision.detail}`);
  } else if (ending) console.log(`  ended: ${ending}`);
}

export function register(program: Command): void {
  const cmd = program
    .command('experiments')
    .description('A/B experiments: results, stop, conclude with a winner');
  cmd
    .command('list')
    .description('Experiments, running first, with their variants')
    .option('--limit <n>', 'how many experiments: every running one, then the newest', '50')
    .option('--json', 'print one JSON array')
    .action((flags: TJson & { limit: string }) =>
      connect(async ({ prisma, experiments }) => {
        const [list, total] = await Promise.all([
          experiments.listExperiments(prisma, { limit: parseLimit(flags.limit) }),
          experiments.countExperiments(prisma),
        ]);
        if (flags.json) return console.log(JSON.stringify(list));
        if (!list.length) return console.log('no experiments yet');
        for (const e of list)
          console.log(
            `${e.name.padEnd(40)}${e.status.toLowerCase().padEnd(11)}${day(e.startedAt).padEnd(18)}${e.variants.map((v) => `${v.name}=${v.version} (${v.weight})`).join(', ')}${e.winner ? `  winner: ${e.winner}` : ''}`,
          );
        const more = leftOutLine({
          shown: list.length,
          total,
          noun: ['more experiment', 'more experiments'],
        });
        if (more) console.log(more);
      }),
    );
  cmd
    .command('show')
    .description(
      'Results per variant against the control, with 95 % intervals, p-values and the sample-ratio check',
    )
    .argument('<experiment>', 'experiment name or id')
    .option('--json', 'print one JSON object')
    .action((ref: string, flags: TJson) =>
      connect(async ({ prisma, experiments }) => {
        const id = await experiments.resolveExperiment(prisma, ref);
        const r = await experiments.experimentResults(prisma, id);
        const decision =
          r.experiment.status === 'RUNNING'
            ? experiments.decisionVerdict(experiments.decideExperiment(r))
            : null;
        const ending =
          (await experiments.experimentEndings(prisma, [{ id, status: r.experiment.status }])).get(id) ??
          null;
        if (flags.json) return console.log(JSON.stringify({ ...r, decision, ending }));
        printResults(r, (at) => experiments.countedAgo(at), decision, ending);
      }),
    );
  cmd
    .command('stop')
    .description('Stop a running experiment: all traffic goes back to production')
    .argument('<experiment>', 'experiment name or id')
    .option('--reason <text>', 'why, kept in the audit log')
    .option('--json', 'print one JSON object')
    .action((ref: string, flags: TJson & { reason?: string }) =>
      connect(async ({ prisma, experiments, redis }) => {
        const experimentId = await experiments.resolveExperiment(prisma, ref);
        const r = await experiments.stopExperiment(prisma, {
          experimentId,
          actor: cliActor(),
          reason: flags.reason,
          redis,
        });
        if (flags.json) return console.log(JSON.stringify(r));
        console.log(
          r.changed
            ? `${r.experiment.name} stopped`
            : `${r.experiment.name} is already ${r.experiment.status.toLowerCase()}`,
        );
      }),
    );
  cmd
    .command('conclude')
    .description(
      'Conclude an experiment and promote the winning variant’s model to production; exit 3 if production moved since the experiment started, so nothing was promoted',
    )
    .argument('<experiment>', 'experiment name or id')
    .requiredOption('--winner <variant>', 'the winning variant (name or id)')
    .option('--reason <text>', 'why, kept in the alias history')
    .option('--json', 'print one JSON object')
    .action((ref: string, flags: TJson & { winner: string; reason?: string }) =>
      connect(async ({ prisma, experiments, redis }) => {
        const experimentId = await experiments.resolveExperiment(prisma, ref);
        const r = await experiments.concludeExperiment(prisma, {
          experimentId,
          winner: flags.winner,
          actor: cliActor(),
          reason: flags.reason,
          redis,
        });
        if (flags.json) console.log(JSON.stringify(r));
        // Not promoted (production moved since the experiment started): the status it ended in, and why,
        // with the exit code `acsa retrain --wait` gives when nothing was promoted, so a script cannot
        // take it for a promotion.
        if (!r.promoted)
          throw new CliError(
            `${r.experiment.name} ${r.experiment.status.toLowerCase()}: ${r.message}`,
            EXIT_NOT_PROMOTED,
          );
        if (flags.json) return;
        console.log(
          `${r.experiment.name} concluded: ${r.winner.name} won; ${r.move.changed ? 'production now serves its model' : 'production already served its model'}`,
        );
      }),
    );
}
