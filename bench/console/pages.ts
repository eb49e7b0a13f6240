// Server time of the console's engineer pages on a registry a year old: 1,000 model versions (manifests and
// metrics shaped like the trainer's, aliases and their history), one training run per version with its
// snapshot/evaluate steps, a year of hourly drift reports (8,760 per monitored version: production and two
// others), a year of hourly turn counts and 30 days of customer turns. Times each page's server function as
// its tRPC procedure runs it (the @acsa/pipelines function through Prisma and the pg adapter, no HTTP) and
// writes the figures and query plans to bench/console/results/pages.md. On top, the people's half of the year
// (seed-operations.ts): escalations, labels with overlap, audit entries, dataset examples and a shadow model's
// predictions, for the escalations, agreement, audit, datasets and shadow pages.
//
//   npx tsx bench/console/pages.ts [--versions 1000] [--messages 200000] [--runs 40]
//     [--audit 300000] [--example-versions 30] [--labeled-items 60000]
//
// Uses DATABASE_URL's server (a throwaway copy of the migrated template, dropped at the end).
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createTestDatabase, testServiceUrls } from '@acsa/db/testing';
import { servingReplicaKeys, type TServingHeartbeat } from '@acsa/pipelines';
import { agreementReport } from '@acsa/pipelines/agreement';
import { driftView, driftWindow, overview } from '@acsa/pipelines/analytics';
import { auditVocabulary, listAudit } from '@acsa/pipelines/audit';
import {
  countActiveEscalations,
  listEscalations,
  listResolvedEscalations,
} from '@acsa/pipelines/escalations';
import { experimentsOverview, VARIANT_COUNT_SQL } from '@acsa/pipelines/experiments';
import { listDatasetVersions } from '@acsa/pipelines/learning-data';
import { compareModels, registryView, servingReplicas } from '@acsa/pipelines/registry';
import { listRunsWithTotal } from '@acsa/pipelines/runs';
import { shadowView } from '@acsa/pipelines/shadow';
import { Redis } from 'ioredis';
import pg from 'pg';
import { seedOperations } from './seed-operations.ts';
import { seedRegistry } from './seed-registry.ts';

const { values } = parseArgs({
  options: {
    versions: { type: 'string', default: '1000' },
    messages: { type: 'string', default: '200000' },
    runs: { type: 'string', default: '40' },
    audit: { type: 'string', default: '300000' },
    'example-versions': { type: 'string', default: '30' },
    'labeled-items': { type: 'string', default: '60000' },
  },
});
const VERSIONS = Number(values.versions);
const RUNS = Number(values.runs);
const OUT = new URL('./results/', import.meta.url).pathname;

const started = Date.now();
const say = (m: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${m}`);
const db = await createTestDatabase(testServiceUrls().databaseUrl);
const sql = new pg.Client({ connectionString: db.url });
await sql.connect();
const redis = new Redis(testServiceUrls().redisUrl);
const REPLICA_PREFIX = `acsa-bench-console-${process.pid}:`;
try {
  say(`seeding ${VERSIONS} versions, a year of drift reports, ${values.messages} turns`);
  const counts = await seedRegistry(sql, { versions: VERSIONS, messages: Number(values.messages) });
  say(`seeded: ${JSON.stringify(counts)}`);
  const operations = await seedOperations(sql, {
    audit: Number(values.audit),
    exampleVersions: Number(values['example-versions']),
    labeledItems: Number(values['labeled-items']),
  });
  say(`seeded: ${JSON.stringify(operations)}`);
  const newest = `intent-bench-${VERSIONS}`;
  const previous = `intent-bench-${VERSIONS - 1}`;

  // Sixteen serving workers reporting, as serving's replica heartbeat writes them.
  const production = await db.prisma.modelVersion.findFirstOrThrow({ where: { version: newest } });
  const keys = servingReplicaKeys(REPLICA_PREFIX);
  for (let i = 0; i < 16; i++) {
    const replicaId = `serving-${i}:${1000 + i}`;
    const at = new Date().toISOString();
    const beat: TServingHeartbeat = {
      replicaId,
      hostname: `serving-${i}`,
      pid: 1000 + i,
      startedAt: at,
      at,
      everyMs: 5_000,
      pollMs: 5_000,
      lastSwapAt: at,
      aliases: [{ alias: 'production', version: newest, versionId: production.id }],
      failedVersionIds: [],
    };
    await redis
      .multi()
      .set(keys.replica(replicaId), JSON.stringify(beat), 'PX', 600_000)
      .zadd(keys.index, Date.now() + 600_000, replicaId)
      .exec();
  }
  const cases: [string, () => Promise<unknown>][] = [
    ['registry view (50 versions)', () => registryView(db.prisma)],
    ['compare two versions', () => compareModels(db.prisma, { base: previous, candidate: newest })],
    ['overview, 7 days', () => overview(db.prisma, { hours: 24 * 7 })],
    [
      'drift page: 7 days of windows and the newest alerting window in detail',
      async () => {
        const view = await driftView(db.prisma);
        const windows = view.versions.flatMap((v) => v.windows).sort((a, b) => +b.start - +a.start);
        const chosen = windows.find((w) => w.alert) ?? windows[0];
        return chosen ? driftWindow(db.prisma, chosen.id) : null;
      },
    ],
    [
      'registry page: 16 serving replicas (polled every 2 s)',
      () => servingReplicas({ prisma: db.prisma, redis }, { prefix: REPLICA_PREFIX }),
    ],
    ['runs list (50, with its total: what the page polls)', () => listRunsWithTotal(db.prisma)],
    [
      'escalations: the queue (50 oldest still to handle) and its count',
      () => Promise.all([listEscalations(db.prisma), countActiveEscalations(db.prisma)]),
    ],
    [
      'escalations: resolved, the third page (keyset)',
      async () => {
        const first = await listResolvedEscalations(db.prisma);
        const second = await listResolvedEscalations(db.prisma, { before: first.older ?? undefined });
        return listResolvedEscalations(db.prisma, { before: second.older ?? undefined });
      },
    ],
    ['agreement: κ per reviewer pair, α, per intent', () => agreementReport(db.prisma)],
    [
      'audit: newest page, its filters (vocabulary)',
      () => Promise.all([listAudit(db.prisma), auditVocabulary(db.prisma)]),
    ],
    [
      "audit: one person's model changes",
      () => listAudit(db.prisma, { actor: 'person33@', action: 'model.' }),
    ],
    ['datasets: 30 versions with counts per split, intent and source', () => listDatasetVersions(db.prisma)],
    ['shadow: 7 days beside production', () => shadowView(db.prisma)],
    [
      'experiments: the 20 latest, ended ones counted afresh (nothing stored: a first visit, or a backfill)',
      async () => {
        await sql.query(`UPDATE "Experiment" SET results = NULL, "resultsAt" = NULL`);
        return experimentsOverview(db.prisma);
      },
    ],
    ['experiments: the 20 latest with their results', () => experimentsOverview(db.prisma)],
  ];
  const rows: string[] = [];
  for (const [name, run] of cases) {
    await run();
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      await run();
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(1);
    rows.push(`| ${name} | ${q(0.5)} | ${q(0.95)} |`);
    say(rows.at(-1)!);
  }

  // The plans, for the record: the statements the functions send, with literal parameters.
  const explain = async (title: string, text: string, params: readonly unknown[] = []) =>
    `### ${title}\n\n\`\`\`\n${(await sql.query(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, [...params])).rows.map((r) => r['QUERY PLAN']).join('\n')}\n\`\`\`\n`;
  const weekAgo = new Date(Date.now() - 7 * 86_400_000);
  // One ended experiment's counts, as variantCounts reads them: traffic, ratings and reviewed turns.
  const experimentPlans = async () => {
    const e = await db.prisma.experiment.findFirstOrThrow({
      where: { status: 'CONCLUDED' },
      orderBy: { createdAt: 'desc' },
      include: { variants: true },
    });
    const args = [
      e.variants.map((v) => v.name),
      e.variants.map((v) => v.modelVersionId),
      e.startedAt,
      e.stoppedAt,
    ];
    // As variantCounts runs them: its very statements, plain reads, JIT as the server has it.
    const plans = [
      await explain('experiments: one ended experiment’s traffic', VARIANT_COUNT_SQL.traffic, args),
      await explain('experiments: its ratings', VARIANT_COUNT_SQL.ratings, args),
      await explain('experiments: its reviewed turns', VARIANT_COUNT_SQL.reviewed, args),
    ];
    return plans;
  };
  const plans = [
    await explain(
      'registry: versions newest first',
      `SELECT id, version, kind, "createdAt", "sizeBytes", metrics FROM "ModelVersion" ORDER BY "createdAt" DESC LIMIT 50`,
    ),
    await explain(
      'registry: one alias’s moves (rollback target)',
      `SELECT kind, "fromVersionId" FROM "AliasHistory" WHERE alias = $1 ORDER BY id DESC`,
      ['production'],
    ),
    await explain(
      'compare: a run’s snapshot and evaluate steps',
      `SELECT name, output FROM "TrainingStep" WHERE "runId" = (SELECT "trainingRunId" FROM "ModelVersion" WHERE version = $1) AND name = ANY($2)`,
      [newest, ['snapshot', 'evaluate']],
    ),
    await explain(
      'overview: turn counts per hour',
      `SELECT hour, sum(turns)::int FROM "TurnStat" WHERE hour >= $1 GROUP BY hour`,
      [weekAgo],
    ),
    await explain(
      'overview: latency per model version',
      `SELECT "modelVersionId", count(*)::int AS n,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY "latencyMs")::float8 AS p95
       FROM "Message" WHERE role = 'USER' AND "latencyMs" IS NOT NULL AND "createdAt" >= $1 GROUP BY 1`,
      [weekAgo],
    ),
    await explain(
      'overview: drift alerts',
      `SELECT id, "createdAt", details FROM "DriftReport" WHERE alert AND "createdAt" >= $1 ORDER BY "createdAt" DESC LIMIT 20`,
      [weekAgo],
    ),
    await explain(
      'drift page: windows of the last 7 days',
      `SELECT * FROM "DriftReport" WHERE "windowStart" >= $1 ORDER BY "windowStart" ASC LIMIT 5000`,
      [weekAgo],
    ),
    await explain(
      'agreement: label pairs on the overlap items',
      `WITH unit AS (
         SELECT l."reviewItemId" AS id, count(*)::int AS m FROM "Label" l JOIN "ReviewItem" r ON r.id = l."reviewItemId"
         WHERE r."requiredLabels" >= 2 GROUP BY l."reviewItemId" HAVING count(*) >= 2)
       SELECT u.m, l1."userId", l2."userId", l1.intent, l2.intent, count(*)::int
       FROM unit u JOIN "Label" l1 ON l1."reviewItemId" = u.id
       JOIN "Label" l2 ON l2."reviewItemId" = u.id AND l1."userId" < l2."userId"
       GROUP BY 1, 2, 3, 4, 5`,
    ),
    await explain(
      'datasets: counts per version, intent, source and split',
      `SELECT "datasetVersionId", intent, source, split, count(*)::int FROM "Example"
       WHERE "datasetVersionId" IN (SELECT id FROM "DatasetVersion" ORDER BY "createdAt" DESC LIMIT 30)
       GROUP BY 1, 2, 3, 4`,
    ),
    ...(await experimentPlans()),
    await explain(
      'runs: newest first',
      `SELECT id, status, config FROM "TrainingRun" ORDER BY "createdAt" DESC LIMIT 50`,
    ),
  ];
  const peakRss = (process.resourceUsage().maxRSS / 1024).toFixed(0);
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  mkdirSync(OUT, { recursive: true });
  writeFileSync(
    `${OUT}pages.md`,
    [
      '# Engineer pages at scale',
      '',
      `\`npx tsx bench/console/pages.ts --versions ${VERSIONS} --messages ${values.messages} --runs ${RUNS} --audit ${values.audit} --example-versions ${values['example-versions']} --labeled-items ${values['labeled-items']}\`, ${new Date().toISOString()}`,
      '',
      `Data: ${JSON.stringify({ ...counts, ...operations })}`,
      '',
      `Peak RSS of the process ${peakRss} MB; load average ${load} (two cores, shared with other engineers' work).`,
      '',
      '| page (server function) | p50 ms | p95 ms |',
      '|---|---|---|',
      ...rows,
      '',
      '## Plans',
      '',
      ...plans,
    ].join('\n'),
  );
  say(`written ${OUT}pages.md; peak RSS ${peakRss} MB; load ${load}`);
} finally {
  const keys = servingReplicaKeys(REPLICA_PREFIX);
  const ids = await redis.zrange(keys.index, 0, -1);
  await redis.del(keys.index, ...ids.map((id) => keys.replica(id)));
  redis.disconnect();
  await sql.end();
  await db.drop();
}
