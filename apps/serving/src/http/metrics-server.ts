import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerScrape, type TMetricsSource } from '@acsa/core/metrics-http';

/**
 * Prometheus's scrape endpoint, `GET /metrics`, on a port of its own (METRICS_PORT) apart from the API's:
 * the series name intents, escalation rates, model versions and experiment variants, so only the scraper
 * may reach them, while the API port is the shoppers'. Bare node:http as the trainer's health port is: a
 * cluster primary serves it without loading Fastify.
 */
export function createMetricsServer(source: TMetricsSource): Server {
  return createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res
        .writeHead(404, { 'content-type': 'application/json; charset=utf-8' })
        .end('{"error":{"code":"NOT_FOUND","message":"only GET /metrics is served on this port"}}');
      return;
    }
    answerScrape(res, source);
  });
}

/** Listens on `port` (0: one the OS picks) and `host`; resolves with the port bound, rejects if taken. */
export function listenMetrics(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
