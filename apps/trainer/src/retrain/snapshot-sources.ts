import { normalizeKey } from '@acsa/corpus/split';
import type { PrismaClient } from '@acsa/db';
import { SNAPSHOT_DATASET, type TRetrainConfig } from '@acsa/pipelines';
import { agreedIntent } from '@acsa/pipelines/learning-data';
import { UnrecoverableError } from 'bullmq';
import type { TLabeledText, TSnapshotRow } from './snapshot-rows.ts';

const ROW = {
  text: true,
  key: true,
  intent: true,
  split: true,
  source: true,
  origin: true,
  entities: true,
} as const;

/**
 * The entity spans that go with the agreed intent: those of the latest label that gave it, so a reviewer's
 * correction (undo, relabel with a span removed or moved) is what the snapshot keeps. When an engineer's
 * adjudication chose an intent no label gave, the latest label's spans: spans mark the text, not the
 * intent, and a reviewer's are still better than the source row's or none.
 */
function spansOf(labels: ReadonlyArray<{ intent: string; entities: unknown }>, intent: string): unknown {
  const latest = labels.findLast((l) => l.intent === intent) ?? labels.at(-1);
  return latest?.entities ?? [];
}

/**
 * What a snapshot is made of: the latest version of every source dataset (oldest dataset first, so the
 * bootstrap corpus wins a duplicate text), the intents reviewers agreed on with their spans, and the
 * previous snapshot's test rows (unless the run refreezes the test split).
 */
export async function loadSnapshotSources(prisma: PrismaClient, config: TRetrainConfig) {
  const datasets = await prisma.dataset.findMany({
    where: {
      name: config.datasets ? { in: config.datasets, not: SNAPSHOT_DATASET } : { not: SNAPSHOT_DATASET },
    },
    orderBy: { createdAt: 'asc' },
    select: {
      name: true,
      versions: { orderBy: { version: 'desc' }, take: 1, select: { id: true, version: true } },
    },
  });
  const missing = config.datasets?.filter((n) => !datasets.some((d) => d.name === n)) ?? [];
  // A typo in a run's dataset names is not mended by retrying: fail the run at once with the names, rather
  // than after five attempts and a minute of backoff. Its dead letter can still be replayed once it exists.
  if (missing.length) throw new UnrecoverableError(`no dataset named ${missing.join(', ')}`);
  const latest = datasets.flatMap((d) => d.versions.map((v) => ({ dataset: d.name, ...v })));
  const sources: TSnapshotRow[] = [];
  for (const v of latest)
    sources.push(...(await prisma.example.findMany({ where: { datasetVersionId: v.id }, select: ROW })));

  const messages = await prisma.message.findMany({
    where: { labels: { some: {} } },
    orderBy: { createdAt: 'asc' },
    select: {
      id: true,
      text: true,
      reviewItem: { select: { finalIntent: true } },
      labels: {
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        select: { intent: true, entities: true, createdAt: true },
      },
    },
  });
  const labels: TLabeledText[] = [];
  for (const m of messages) {
    const intent = agreedIntent(m.labels, m.reviewItem?.finalIntent ?? null);
    if (!intent) continue;
    const entities = spansOf(m.labels, intent);
    labels.push({ key: normalizeKey(m.text), text: m.text, intent, entities, origin: `message:${m.id}` });
  }

  const previous = config.refreezeTest
    ? null
    : await prisma.datasetVersion.findFirst({
        where: { dataset: { name: SNAPSHOT_DATASET } },
        orderBy: { version: 'desc' },
        select: { id: true, version: true },
      });
  const frozenTest = previous
    ? await prisma.example.findMany({ where: { datasetVersionId: previous.id, split: 'TEST' }, select: ROW })
    : null;
  return {
    sources,
    labels,
    frozenTest,
    frozenFrom: previous?.version ?? null,
    described: latest.map((v) => ({ dataset: v.dataset, version: v.version, id: v.id })),
  };
}
