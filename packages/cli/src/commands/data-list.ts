import type { Command } from 'commander';
import { leftOutLine, parseLimit } from '../list-limit.ts';
import { connectDatabase } from '../services.ts';

const day = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');

/** `acsa data list`: the dataset versions, as the Datasets page lists them, as many as asked for. */
export function registerList(data: Command): void {
  data
    .command('list')
    .description(
      'Dataset versions, newest first: source, when and by whom, examples per split, runs that used each',
    )
    // 30 by default, as the Datasets page: its caption names this command for the rest.
    .option('--limit <n>', 'how many versions, newest first', '30')
    .option('--json', 'print one JSON object')
    .action(async (flags: { json?: boolean; limit: string }) => {
      const limit = parseLimit(flags.limit);
      const prisma = await connectDatabase();
      try {
        const { countDatasetVersions, listDatasetVersions } = await import('@acsa/pipelines/learning-data');
        const [versions, total] = await Promise.all([
          listDatasetVersions(prisma, { limit }),
          countDatasetVersions(prisma),
        ]);
        if (flags.json) return console.log(JSON.stringify({ versions, total }));
        if (versions.length === 0)
          return console.log('no dataset versions yet: `acsa data import FILE` adds one');
        console.log(
          `${'version'.padEnd(34)}${'source'.padEnd(10)}${'made'.padEnd(18)}${'examples (train / dev / test)'.padEnd(32)}runs`,
        );
        for (const v of versions)
          console.log(
            `${`${v.dataset} v${v.version}`.padEnd(34)}${v.source.toLowerCase().padEnd(10)}${day(v.createdAt).padEnd(18)}${`${v.examples} (${v.splits.train} / ${v.splits.dev} / ${v.splits.test})`.padEnd(32)}${v.runs}${v.createdBy ? `  by ${v.createdBy}` : ''}`,
          );
        const more = leftOutLine({
          shown: versions.length,
          total,
          noun: ['more version', 'more versions'],
        });
        if (more) console.log(more);
      } finally {
        await prisma.$disconnect();
      }
    });
}
