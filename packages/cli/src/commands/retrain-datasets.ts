import type { PrismaClient } from '@acsa/db';
import { CliError } from '../cli-error.ts';

/**
 * Refuses `--dataset` names that are not datasets before a run is queued. The trainer would fail the run
 * too, but only once a trainer takes it, and without `--wait` the person would have seen "queued" and 0.
 * The snapshots the runs write are not a source a run may name (the trainer leaves them out too).
 */
export async function checkDatasetNames(
  prisma: PrismaClient,
  names: readonly string[],
  snapshotDataset: string,
): Promise<void> {
  if (!names.length) return;
  const known = (
    await prisma.dataset.findMany({
      where: { name: { not: snapshotDataset } },
      select: { name: true },
      orderBy: { name: 'asc' },
    })
  ).map((d) => d.name);
  const missing = [...new Set(names)].filter((n) => !known.includes(n));
  if (!missing.length) return;
  const quoted = missing.map((n) => JSON.stringify(n)).join(', ');
  throw new CliError(
    `--dataset: no dataset${missing.length > 1 ? 's' : ''} named ${quoted} ` +
      (known.length
        ? `(datasets: ${known.join(', ')})`
        : '(there are none yet: `acsa data import` adds one)'),
  );
}
