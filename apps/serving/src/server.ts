import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from '@acsa/core/logger';

export type TServerDeps = { logger: Logger; version: string };

/** Builds the HTTP API without listening, so tests drive it with inject() or a real port alike. */
export function buildServer({ logger, version }: TServerDeps): FastifyInstance {
  const app = Fastify({ loggerInstance: logger, disableRequestLogging: true });
  app.get('/healthz', async () => ({ status: 'ok', service: 'serving', version }));
  return app;
}
