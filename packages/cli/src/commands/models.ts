import type { Command } from 'commander';
import { cliActor } from '../cli-actor.ts';
import { CliError } from '../cli-error.ts';
import { leftOutLine, parseLimit } from '../list-limit.ts';
import { openRegistryServices } from '../services.ts';

type TJson = { json?: boolean };
type TMoveFlags = TJson & { alias: string; reason?: string };

/**
 * The registry and, for announcements, Redis. Loaded per command: every other command would pay for the
 * Prisma client on start. A Redis that does not answer is not an error: replicas poll the registry too.
 */
async function connect<T>(work: (c: Awaited<ReturnType<typeof open>>) => Promise<T>): Promise<T> {
  const c = await open();
  try {
    return await work(c);
  } finally {
    c.redis?.disconnect();
    await c.prisma.$disconnect();
  }
}

async function open() {
  const [services, registry] = await Promise.all([
    openRegistryServices(),
    import('@acsa/pipelines/registry'),
  ]);
  return { ...services, registry };
}

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);
const day = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');

/**
 * `--alias` as one of the aliases a person moves by hand (the console's CONSOLE_ALIASES), checked before
 * anything is connected. Any other name was accepted: a typo created a new alias serving never reads, and
 * an experiment variant's alias moved out from under its experiment.
 */
async function movableAlias(alias: string): Promise<string> {
  const { CONSOLE_ALIASES } = await import('@acsa/pipelines/registry');
  if (!(CONSOLE_ALIASES as readonly string[]).includes(alias))
    throw new CliError(
      `--alias: ${JSON.stringify(alias)} is not an alias moved by hand (aliases: ${CONSOLE_ALIASES.join(', ')})`,
    );
  return alias;
}

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if ((e as Error).name === 'RegistryError') throw new CliError((e as Error).message);
    throw e;
  }
}

function printMove(
  m: {
    alias: string;
    toVersion: string;
    changed: boolean;
    announced: boolean;
    stoppedExperiments: string[];
    headline: string;
  },
  flags: TJson,
) {
  if (flags.json) return console.log(JSON.stringify(m));
  if (!m.changed) return console.log(`${m.alias} already points at ${m.toVersion}; nothing moved`);
  // The console's dialog announces the same headline (moveHeadline).
  console.log(m.headline);
  for (const name of m.stoppedExperiments)
    console.log(
      `  experiment ${name} was running and sent all traffic to its variants: stopped, so production answers every session now`,
    );
  if (!m.announced)
    console.log('  (not announced on Redis: serving replicas pick it up on their next registry poll)');
}

export function register(program: Command): void {
  const models = program
    .command('models')
    .description('The model registry: versions, aliases, promotion and rollback');
  models
    .command('list')
    .description('Registered versions, newest first, with the aliases pointing at each')
    .option('--limit <n>', 'how many versions', '20')
    .option('--json', 'print one JSON object')
    .action((flags: TJson & { limit: string }) =>
      connect(async ({ prisma, registry }) => {
        const list = await registry.listModels(prisma, { limit: parseLimit(flags.limit) });
        if (flags.json) return console.log(JSON.stringify(list));
        if (list.versions.length === 0) return console.log('no model versions registered yet');
        for (const a of list.aliases) console.log(`${a.name.padEnd(12)} → ${a.version}`);
        console.log('');
        console.log(
          `${'version'.padEnd(34)}${'created'.padEnd(18)}${'dev acc'.padStart(8)}${'test acc'.padStart(10)}${'size'.padStart(10)}  aliases`,
        );
        for (const v of list.versions)
          console.log(
            `${v.version.padEnd(34)}${day(v.createdAt).padEnd(18)}${pct(v.devAccuracy).padStart(8)}${pct(v.testAccuracy).padStart(10)}${`${(v.sizeBytes / 1e6).toFixed(1)} MB`.padStart(10)}  ${v.aliases.join(', ')}`,
          );
        const more = leftOutLine({
          shown: list.versions.length,
          total: list.total,
          noun: ['more version', 'more versions'],
        });
        if (more) console.log(more);
      }),
    );
  models
    .command('show')
    .description('One version: labels, thresholds, metrics, lineage, gate decision and alias history')
    .argument('<version>', 'version name or id')
    .option('--limit <n>', 'how many alias moves, latest first', '50')
    .option('--json', 'print one JSON object')
    .action((ref: string, flags: TJson & { limit: string }) =>
      connect(({ prisma, registry }) =>
        guarded(async () => {
          const historyLimit = parseLimit(flags.limit);
          const m = await registry.showModel(prisma, ref, { historyLimit });
          if (flags.json) return console.log(JSON.stringify(m));
          const gate = m.trainingRun?.gate as { passed?: boolean; reasons?: string[] } | null | undefined;
          console.log(
            `${m.version}  (${m.kind}, ${m.precision ?? '?'}, ${(m.sizeBytes / 1e6).toFixed(1)} MB, sha256 ${m.sha256.slice(0, 12)})`,
          );
          console.log(`  created     ${day(m.createdAt)}; aliases: ${m.aliases.join(', ') || 'none'}`);
          console.log(`  labels      ${m.labels.length} intents; featuriser v${m.featurizerVersion}`);
          console.log(
            `  dataset     ${m.dataset ? `${m.dataset.name} v${m.dataset.version} (${m.dataset.examples} examples)` : '—'}; parent ${m.parent ?? '—'}`,
          );
          if (m.trainingRun)
            console.log(
              `  run         ${m.trainingRun.id} (${m.trainingRun.trigger.toLowerCase()}, ${m.trainingRun.status.toLowerCase()}); gate ${gate?.passed ? 'passed' : `refused: ${gate?.reasons?.join('; ')}`}`,
            );
          for (const h of m.history)
            console.log(
              `  ${day(h.at)}  ${h.alias}: ${h.kind.toLowerCase()} ${h.from ?? '(none)'} → ${h.to ?? '(none)'} by ${h.actor}${h.reason ? ` — ${h.reason}` : ''}`,
            );
          const more = leftOutLine({
            shown: m.history.length,
            total: m.historyTotal,
            noun: ['earlier move', 'earlier moves'],
          });
          if (more) console.log(`  ${more}`);
        }),
      ),
    );
  models
    .command('promote')
    .description(
      'Point an alias (production by default) at a version; recorded and announced. Moving production stops a running experiment',
    )
    .argument('<version>', 'version name or id')
    .option('--alias <name>', 'alias to move: production | shadow', 'production')
    .option('--reason <text>', 'why, kept in the alias history')
    .option('--json', 'print one JSON object')
    .action(async (ref: string, flags: TMoveFlags) => {
      const alias = await movableAlias(flags.alias);
      await connect(({ prisma, registry, redis }) =>
        guarded(async () =>
          printMove(
            await registry.promoteVersion(
              { prisma, redis },
              { ref, alias, actor: cliActor(), reason: flags.reason },
            ),
            flags,
          ),
        ),
      );
    });
  models
    .command('rollback')
    .description(
      'Move an alias one step back, to where it pointed before its latest move. Moving production stops a running experiment',
    )
    .option('--alias <name>', 'alias to move: production | shadow', 'production')
    .option('--reason <text>', 'why, kept in the alias history')
    .option('--json', 'print one JSON object')
    .action(async (flags: TMoveFlags) => {
      const alias = await movableAlias(flags.alias);
      await connect(({ prisma, registry, redis }) =>
        guarded(async () =>
          printMove(
            await registry.rollbackAlias(
              { prisma, redis },
              { alias, actor: cliActor(), reason: flags.reason },
            ),
            flags,
          ),
        ),
      );
    });
}
