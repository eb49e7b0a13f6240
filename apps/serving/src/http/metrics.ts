import cluster, { type Worker } from 'node:cluster';
import { AppError } from '@acsa/core/errors';
import client, { AggregatorRegistry } from 'prom-client';

// Cluster workers share one port, so a scrape reaches one worker at random: that worker asks the primary,
// which gathers every worker's registry over IPC (prom-client's cluster protocol) and merges them.
const SCRAPE = 'acsa:metrics-scrape';
const SCRAPED = 'acsa:metrics-scraped';
/** Longer than prom-client's own wait for the workers (5 s, fixed), so that its error is the one reported. */
const PRIMARY_TIMEOUT_MS = 6_000;

type TScrapeMessage = { type?: unknown; id?: unknown; body?: string; error?: string };

/**
 * In the cluster primary, before forking: answers a worker's scrape with all workers' metrics merged,
 * counters and histograms summed, gauges by their `aggregator`. prom-client waits for every connected
 * worker: a scrape caught by a worker's crash waits 5 s and fails (503); the next one counts the survivors
 * and the replacement. A dead worker's counts go with it, which Prometheus reads as a counter reset.
 */
export function aggregateWorkerMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker: Worker, message: TScrapeMessage) => {
    if (message?.type !== SCRAPE) return;
    const reply = (fields: { body: string } | { error: string }) => {
      // A worker gone meanwhile: its caller is gone too, and a send on a closed channel would throw.
      if (worker.isConnected())
        worker.send({ type: SCRAPED, id: message.id, ...fields }, undefined, () => {});
    };
    aggregator.clusterMetrics().then(
      (body) => reply({ body }),
      (e: Error) => reply({ error: e.message }),
    );
  });
}

/**
 * In a cluster worker, as soon as it starts: answers the primary's requests with `registry` (empty until
 * given). A worker still loading would not answer at all, and the primary's wait for it fails every scrape.
 */
export function reportToPrimary(registry?: client.Registry): void {
  if (registry) AggregatorRegistry.setRegistries([registry]);
  new AggregatorRegistry(); // installs the worker's listener, once per process
}

const scrapes = new Map<number, (message: TScrapeMessage) => void>();
let lastScrape = 0;

function scrapeAllWorkers(): Promise<string> {
  if (lastScrape === 0) {
    process.on('message', (message: TScrapeMessage) => {
      if (message?.type === SCRAPED && typeof message.id === 'number') scrapes.get(message.id)?.(message);
    });
  }
  const id = ++lastScrape;
  return new Promise((resolve, reject) => {
    const fail = (why: string) => reject(new AppError('UNAVAILABLE', `metrics unavailable: ${why}`));
    const timer = setTimeout(() => {
      scrapes.delete(id);
      fail('the serving primary did not answer');
    }, PRIMARY_TIMEOUT_MS);
    scrapes.set(id, (message) => {
      clearTimeout(timer);
      scrapes.delete(id);
      if (message.body === undefined) fail(message.error ?? 'no metrics');
      else resolve(message.body);
    });
    process.send?.({ type: SCRAPE, id });
  });
}

/** Prometheus metrics of a serving process; `render()` reports all the cluster's workers together. */
export function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  if (cluster.isWorker) reportToPrimary(registry);
  return {
    registry,
    /** The exposition to serve: this process's, or in a cluster every worker's merged. */
    async render(): Promise<{ contentType: string; body: string }> {
      const body = cluster.isWorker ? await scrapeAllWorkers() : await registry.metrics();
      return { contentType: registry.contentType, body };
    },
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
