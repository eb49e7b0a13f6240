import { createServer, type Server } from 'node:http';
import { answerScrape, type TMetricsSource } from '@acsa/core/metrics-http';
import { withoutPasswords } from '@acsa/db';

export type THealthCheck = () => Promise<Record<string, unknown>>;

/**
 * A bare health endpoint: the trainer has no API of its own, but orchestrators need probes, and Prometheus a
 * `/metrics` to scrape (when `metrics` is given). `/healthz` runs `check` (Redis and PostgreSQL answer);
 * `/livez` only says the process answers, for a liveness probe: a database outage must not have every
 * trainer restarted, each killing the training step it runs.
 */
export function createHealthServer(
  check: THealthCheck,
  metrics?: TMetricsSource,
  /** The URLs the trainer connects with: their passwords never appear in an answer, which is public. */
  secretUrls: string[] = [],
): Server {
  /** One line of the failure's words, with no password in it. */
  const publicReason = (err: unknown) =>
    withoutPasswords(
      (err instanceof Error ? err.message : String(err)).trim().split('\n')[0]?.slice(0, 300) ?? '',
      secretUrls,
    );
  return createServer((req, res) => {
    if (metrics && req.method === 'GET' && req.url === '/metrics') {
      answerScrape(res, metrics);
      return;
    }
    if (req.method === 'GET' && req.url === '/livez') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (req.method !== 'GET' || (req.url !== '/healthz' && req.url !== '/')) {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end('{"error":{"code":"NOT_FOUND","message":"not found"}}');
      return;
    }
    check().then(
      (body) =>
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ status: 'ok', ...body })),
      (err: unknown) =>
        res.writeHead(503, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            status: 'unavailable',
            reason: publicReason(err),
          }),
        ),
    );
  });
}
