import { withTimeout } from '@acsa/core/deadline';
import type { PrismaClient } from '@acsa/db';
import { PRODUCTION_ALIAS } from '@acsa/pipelines';
import { readQueues, WATCHED_QUEUES } from '@acsa/pipelines/dead-letters';
import type { Redis } from 'ioredis';
import client from 'prom-client';

/**
 * What happens in this process, counted as it happens: step attempts and gate decisions. Module-level, so
 * the step worker and the gate step reach them without being handed a registry (one trainer per process).
 */
const events = new client.Registry();
export const stepSeconds = new client.Histogram({
  name: 'acsa_retrain_step_seconds',
  help: 'Retraining step attempts by step and outcome (completed, failed, cancelled), in seconds',
  labelNames: ['step', 'outcome'],
  buckets: [0.5, 2, 10, 30, 60, 180, 600, 1800, 3600, 7200],
  registers: [events],
});
export const gateDecisions = new client.Counter({
  name: 'acsa_retrain_gate_decisions_total',
  help: 'Promotion-gate decisions on candidates: passed or refused',
  labelNames: ['outcome'],
  registers: [events],
});

export const searchIndexMerges = new client.Counter({
  name: 'acsa_search_index_merges_total',
  help: "Merges of the conversation search index's pending list by this trainer, by outcome (merged, failed)",
  labelNames: ['outcome'],
  registers: [events],
});
export const searchIndexUpkeep = new client.Gauge({
  name: 'acsa_search_index_upkeep',
  help: "1 while this trainer merges the conversation search index's pending list, 0 once a failure retrying cannot mend stopped it",
  registers: [events],
});

/** Well inside Prometheus's default scrape timeout (10 s). */
const SCRAPE_READ_TIMEOUT_MS = 2_000;
/** The states a queue's jobs are counted in; `failed` of the dead-letter queue is not used (it keeps them waiting). */
const STATES = ['waiting', 'active', 'delayed', 'failed', 'prioritized', 'waiting-children'] as const;

/**
 * The trainer's /metrics: its own counters, process metrics, and, read at each scrape, the depth of every
 * queue (the dead-letter queue's growth is the alert that a job keeps failing) and the production model's
 * latest drift figures. The last two are the shared state of Redis and PostgreSQL: any trainer replica
 * reports the same values, so dashboards take `max`, not `sum`.
 */
export function createTrainerMetrics(o: { prisma: PrismaClient; connection: Redis; prefix: string }) {
  const registry = trainerMetricsRegistry({
    // On a connection of the scrape's own, dropped after it: on the workers' (which waits out any outage)
    // a scrape that gave up left its commands queued, a few more every scrape while Redis was away.
    queueCounts: () =>
      readQueues(
        { connection: o.connection, prefix: o.prefix },
        WATCHED_QUEUES,
        (queues) =>
          Promise.all(queues.map(async (q) => ({ queue: q.name, counts: await q.getJobCounts(...STATES) }))),
        SCRAPE_READ_TIMEOUT_MS,
      ),
    latestDrift: () => withTimeout(latestProductionDrift(o.prisma), SCRAPE_READ_TIMEOUT_MS, 'latest drift'),
  });
  return {
    contentType: registry.contentType,
    /** The exposition text (queue depths and drift read now). */
    render: () => registry.metrics(),
  };
}
export type TTrainerMetrics = ReturnType<typeof createTrainerMetrics>;

type TDrift = NonNullable<Awaited<ReturnType<typeof latestProductionDrift>>>;
export type TMetricSources = {
  queueCounts(): Promise<{ queue: string; counts: Record<string, number> }[]>;
  latestDrift(): Promise<Pick<
    TDrift,
    | 'version'
    | 'intentPsi'
    | 'intentJs'
    | 'confidencePsi'
    | 'lengthPsi'
    | 'unknownTokenRate'
    | 'alert'
    | 'windowEnd'
  > | null>;
};

/** Every metric the trainer exports, reading shared state from `sources` at each scrape. */
export function trainerMetricsRegistry(sources: TMetricSources): client.Registry {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  new client.Gauge({
    name: 'acsa_queue_jobs',
    help: 'Jobs in each BullMQ queue by state',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      // Redis away or silent: the scrape still answers with everything else (a scrape that timed out would
      // read as the trainer down), and the depths come back with Redis.
      const depths = await sources.queueCounts().catch(() => []);
      for (const { queue, counts } of depths)
        for (const state of STATES) this.set({ queue, state }, counts[state] ?? 0);
    },
  });
  // One read of the latest report per scrape, shared by the three gauges (a registry collects them together).
  let read: { at: number; report: ReturnType<TMetricSources['latestDrift']> } | null = null;
  const latest = () => {
    // PostgreSQL away or silent: the scrape answers without the drift figures, as without the depths.
    if (!read || Date.now() - read.at > 1_000)
      read = { at: Date.now(), report: sources.latestDrift().catch(() => null) };
    return read.report;
  };
  new client.Gauge({
    name: 'acsa_drift_value',
    help: "Latest drift window's figures for the production model (PSI, Jensen-Shannon, unknown-token rate)",
    labelNames: ['metric', 'model_version'],
    registers: [registry],
    async collect() {
      this.reset();
      const report = await latest();
      if (!report) return;
      const v = { model_version: report.version };
      this.set({ ...v, metric: 'intent_psi' }, report.intentPsi);
      this.set({ ...v, metric: 'intent_js' }, report.intentJs);
      this.set({ ...v, metric: 'confidence_psi' }, report.confidencePsi);
      this.set({ ...v, metric: 'length_psi' }, report.lengthPsi);
      this.set({ ...v, metric: 'unknown_token_rate' }, report.unknownTokenRate);
    },
  });
  new client.Gauge({
    name: 'acsa_drift_alert',
    help: "1 when the production model's latest drift window breached a threshold",
    labelNames: ['model_version'],
    registers: [registry],
    async collect() {
      this.reset();
      const report = await latest();
      if (report) this.set({ model_version: report.version }, report.alert ? 1 : 0);
    },
  });
  new client.Gauge({
    name: 'acsa_drift_window_end_seconds',
    help: "End of the production model's latest drift window (Unix seconds)",
    labelNames: ['model_version'],
    registers: [registry],
    async collect() {
      this.reset();
      const report = await latest();
      if (report) this.set({ model_version: report.version }, report.windowEnd.getTime() / 1000);
    },
  });
  return client.Registry.merge([registry, events]);
}

async function latestProductionDrift(prisma: PrismaClient) {
  const alias = await prisma.modelAlias.findUnique({
    where: { name: PRODUCTION_ALIAS },
    select: { modelVersion: { select: { id: true, version: true } } },
  });
  if (!alias?.modelVersion) return null;
  const report = await prisma.driftReport.findFirst({
    where: { modelVersionId: alias.modelVersion.id },
    orderBy: { windowStart: 'desc' },
  });
  return report ? { ...report, version: alias.modelVersion.version } : null;
}
