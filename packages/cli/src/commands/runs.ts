import type { Command } from 'commander';
import { leftOutLine, parseLimit } from '../list-limit.ts';
import { connectDatabase } from '../services.ts';
import { registerCancel } from './runs-cancel.ts';

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 16).replace('T', ' ') : '—');
const gate = (passed: boolean | null) => (passed === null ? '—' : passed ? 'passed' : 'refused');

export function register(program: Command): void {
  const runs = program.command('runs').description('Training runs: every retrain, whatever started it');
  runs
    .command('list')
    .description('Training runs, newest first: status, trigger, mode and preset, gate, candidate, when')
    // 50 by default, as the Training runs page: its caption names this command for the rest.
    .option('--limit <n>', 'how many runs, newest first', '50')
    .option('--json', 'print one JSON object')
    .action(async (flags: { json?: boolean; limit: string }) => {
      const limit = parseLimit(flags.limit);
      const prisma = await connectDatabase();
      try {
        const { listRunsWithTotal } = await import('@acsa/pipelines/runs');
        const list = await listRunsWithTotal(prisma, { limit });
        if (flags.json) return console.log(JSON.stringify(list));
        if (list.items.length === 0) return console.log('no training runs yet');
        console.log(
          `${'run'.padEnd(38)}${'status'.padEnd(11)}${'trigger'.padEnd(10)}${'mode · preset'.padEnd(22)}${'gate'.padEnd(9)}${'candidate'.padEnd(34)}${'created'.padEnd(18)}finished`,
        );
        for (const r of list.items)
          console.log(
            `${r.id.padEnd(38)}${r.status.toLowerCase().padEnd(11)}${r.trigger.toLowerCase().padEnd(10)}${`${r.mode.toLowerCase()} · ${r.preset ?? '—'}`.padEnd(22)}${gate(r.gatePassed).padEnd(9)}${(r.candidate ?? '—').padEnd(34)}${day(r.createdAt).padEnd(18)}${day(r.finishedAt)}`,
          );
        const more = leftOutLine({
          shown: list.items.length,
          total: list.total,
          noun: ['more run', 'more runs'],
        });
        if (more) console.log(more);
      } finally {
        await prisma.$disconnect();
      }
    });
  registerCancel(runs);
}
