import client from 'prom-client';

/** Prometheus metrics of one serving process (each worker exposes its own; scrape them all). */
export function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  return {
    registry,
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
      help: 'The production model version this process serves',
      labelNames: ['version'],
      registers: [registry],
    }),
    swaps: new client.Counter({
      name: 'acsa_model_swaps_total',
      help: 'Model hot swaps',
      registers: [registry],
    }),
  };
}
export type TMetrics = ReturnType<typeof createMetrics>;
