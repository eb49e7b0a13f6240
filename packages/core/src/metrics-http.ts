import type { ServerResponse } from 'node:http';

/** Whatever renders the Prometheus exposition text (a prom-client registry, a cluster's merged one). */
export type TMetricsSource = { contentType: string; render(): Promise<string> };

/**
 * Answers one scrape from `source`: 200 with the exposition, or 503 with why when rendering failed (a worker
 * that died during it), which Prometheus records as a failed scrape rather than as missing series. Serving's
 * metrics port and the trainer's health port both answer scrapes with it.
 */
export function answerScrape(res: ServerResponse, source: TMetricsSource): void {
  source.render().then(
    (body) => res.writeHead(200, { 'content-type': source.contentType }).end(body),
    (err: unknown) =>
      res
        .writeHead(503, { 'content-type': 'text/plain; charset=utf-8' })
        .end(`metrics unavailable: ${err instanceof Error ? err.message : String(err)}`),
  );
}
