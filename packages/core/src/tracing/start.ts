import { context, propagation, trace } from '@opentelemetry/api';
import { type TOtelEnv, tracesExporter } from './env.ts';
import { setTracingEnabled } from './spans.ts';

export type TTracing = { flush(): Promise<void>; shutdown(): Promise<void> };

/**
 * Starts the trace SDK for this process when the OTEL_* variables ask for it (or `exporters` are given,
 * as tests give the in-memory one), and returns null otherwise. The SDK is imported only here, so a
 * process with tracing off never loads it. Spans are exported in batches off the request path.
 */
export async function startTracing(options: {
  serviceName: string;
  env: TOtelEnv;
  /** Exporters to send every span to at once (SimpleSpanProcessor), e.g. InMemorySpanExporter. */
  exporters?: import('@opentelemetry/sdk-trace').SpanExporter[];
}): Promise<TTracing | null> {
  const wanted = tracesExporter(options.env);
  if (!wanted && !options.exporters?.length) return null;
  const sdk = await import('@opentelemetry/sdk-trace');
  const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
  const { W3CTraceContextPropagator } = await import('@opentelemetry/core');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const processors: import('@opentelemetry/sdk-trace').SpanProcessor[] = (options.exporters ?? []).map(
    (exporter) => new sdk.SimpleSpanProcessor({ exporter }),
  );
  if (wanted?.kind === 'otlp') {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
    processors.push(new sdk.BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: wanted.url }) }));
  } else if (wanted?.kind === 'console') {
    processors.push(new sdk.BatchSpanProcessor({ exporter: new sdk.ConsoleSpanExporter() }));
  }
  const provider = new sdk.TracerProvider({
    resource: resourceFromAttributes({
      'service.name': options.env.OTEL_SERVICE_NAME ?? options.serviceName,
    }),
    sampler: new sdk.ParentBasedSampler({
      root: new sdk.TraceIdRatioBasedSampler(options.env.OTEL_TRACES_SAMPLER_ARG),
    }),
    spanProcessors: processors,
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  setTracingEnabled(true);
  return {
    flush: () => provider.forceFlush(),
    async shutdown() {
      setTracingEnabled(false);
      await provider.shutdown().catch(() => undefined);
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
