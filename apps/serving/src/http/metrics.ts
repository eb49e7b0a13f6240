import cluster from 'node:cluster';
import type { TMetricsSource } from '@acsa/core/metrics-http';
import client, { AggregatorRegistry } from 'prom-client';

/**
 * In the cluster primary, before forking: the scrape answer, every worker's registry gathered over IPC
 * (prom-client's cluster protocol) and merged, counters and histograms summed, gauges by their `aggregator`.
 * The primary serves it on METRICS_PORT itself, so a scrape needs no worker to relay it. prom-client waits
 * for every connected worker: a scrape caught by a worker's crash waits 5 s and fails (503); the next one
 * counts the survivors and the replacement. A dead worker's counts go with it, which Prometheus reads as a
 * counter reset.
 */
export function workerMetrics(): TMetricsSource {
  const aggregator = new AggregatorRegistry();
  return { contentType: aggregator.contentType, render: () => aggregator.clusterMetrics() };
}

/**
 * In a cluster worker, as soon as it starts: answers the primary's requests with `registry` (empty until
 * given). A worker still loading would not answer at all, and the primary's wait for it fails every scrape.
 */
export function reportToPrimary(registry?: client.Registry): void {
  if (registry) AggregatorRegistry.setRegistries([registry]);
  new AggregatorRegistry(); // installs the worker's listener, once per process
}

/**
 * Prometheus metrics of a serving process. `render()` is this process's alone: in a cluster the primary
 * merges the workers' (workerMetrics), and one process serves its own (main.ts).
 */
export function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  if (cluster.isWorker) reportToPrimary(registry);
  return {
    registry,
    contentType: registry.contentType,
    render: () => registry.metrics(),
    turns: new client.Counter({
      name: 'acsa_chat_turns_total',
      help: 'Chat turns answered',
      labelNames: ['intent', 'variant', 'escalated'],
      registers: [registry],
    }),
    turnSeconds: new client.Histogram({
      name: 'acsa_chat_turn_seconds',
      help: 'Chat turn latency inside the server',
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    errors: new client.Counter({
      name: 'acsa_http_errors_total',
      help: 'Error responses',
      labelNames: ['code'],
      registers: [registry],
    }),
    modelInfo: new client.Gauge({
      name: 'acsa_model_info',
      help: 'The production model version served (by any worker: two during a swap)',
      labelNames: ['version'],
      // 1 per version whatever the number of workers serving it; a sum would read as a count of workers.
      aggregator: 'max',
      registers: [registry],
    }),
    swaps: new client.Counter({
      name: 'acsa_model_swaps_total',
      help: 'Model hot swaps',
      registers: [registry],
    }),
    dbCircuit: new client.Gauge({
      name: 'acsa_db_circuit_state',
      help: 'Circuit breaker around PostgreSQL: 0 closed, 1 open (statements refused), 2 half-open (probing)',
      // Any worker whose circuit is open makes the whole replica read as open.
      aggregator: 'max',
      registers: [registry],
    }),
    dbRefused: new client.Counter({
      name: 'acsa_db_refused_total',
      help: 'Statements refused (answered 503 with Retry-After) because PostgreSQL was unavailable',
      registers: [registry],
    }),
  };
}
export type TMetrics = ReturnType<typeof createMetrics>;
