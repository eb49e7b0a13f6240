import { z } from 'zod';

const blank = (v: unknown) => (v === '' ? undefined : v);
const url = z.preprocess(blank, z.url().optional());

/**
 * The standard OpenTelemetry variables an app reads (spread into its env schema). Tracing is off unless an
 * OTLP endpoint is named or OTEL_TRACES_EXPORTER asks for an exporter: the SDK is then not even loaded, so
 * a shop that runs no collector pays nothing for it. OTEL_SDK_DISABLED=true turns it off whatever else says.
 */
export const otelEnvShape = {
  OTEL_SDK_DISABLED: z.preprocess(blank, z.enum(['true', 'false']).default('false')),
  OTEL_SERVICE_NAME: z.preprocess(blank, z.string().optional()),
  OTEL_TRACES_EXPORTER: z.preprocess(blank, z.enum(['otlp', 'console', 'none']).optional()),
  OTEL_EXPORTER_OTLP_ENDPOINT: url,
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url,
  /** Fraction of new traces kept (parent-based: a turn whose caller sampled it is always kept). */
  OTEL_TRACES_SAMPLER_ARG: z.preprocess(blank, z.coerce.number().min(0).max(1).default(1)),
};
const ZOtelEnv = z.object(otelEnvShape);
export type TOtelEnv = z.infer<typeof ZOtelEnv>;

/** Which exporter the variables ask for, or null for none (tracing off). */
export function tracesExporter(env: TOtelEnv): { kind: 'otlp'; url: string } | { kind: 'console' } | null {
  if (env.OTEL_SDK_DISABLED === 'true' || env.OTEL_TRACES_EXPORTER === 'none') return null;
  if (env.OTEL_TRACES_EXPORTER === 'console') return { kind: 'console' };
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
    ? env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
    : env.OTEL_EXPORTER_OTLP_ENDPOINT
      ? `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '')}/v1/traces`
      : env.OTEL_TRACES_EXPORTER === 'otlp'
        ? 'http://localhost:4318/v1/traces'
        : null;
  return endpoint ? { kind: 'otlp', url: endpoint } : null;
}
