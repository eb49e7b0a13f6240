import { Writable } from 'node:stream';
import { afterEach, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger } from '../logger.ts';
import { otelEnvShape, tracesExporter } from './env.ts';
import { contextFrom, currentTraceparent, withSpan } from './spans.ts';
import { startTracing, type TTracing } from './start.ts';
import { InMemorySpanExporter, shape, spanTree } from './testing.ts';

const env = (vars: Record<string, string> = {}) => z.object(otelEnvShape).parse(vars);

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, log: createLogger({ name: 'test', destination }) };
}

let tracing: TTracing | null = null;
afterEach(async () => {
  await tracing?.shutdown();
  tracing = null;
});

it('is off unless an OTLP endpoint or exporter is named, and OTEL_SDK_DISABLED wins', () => {
  expect(tracesExporter(env())).toBeNull();
  expect(tracesExporter(env({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }))).toEqual({
    kind: 'otlp',
    url: 'http://collector:4318/v1/traces',
  });
  expect(
    tracesExporter(env({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/x', OTEL_SDK_DISABLED: 'true' })),
  ).toBeNull();
  expect(tracesExporter(env({ OTEL_TRACES_EXPORTER: 'otlp' }))?.kind).toBe('otlp');
});

it('off: spans are plain calls, log lines carry no trace id', async () => {
  expect(await startTracing({ serviceName: 't', env: env() })).toBeNull();
  const { lines, log } = capture();
  const span = await withSpan('x', async (s) => {
    log.info('inside');
    return s;
  });
  expect(span).toBeUndefined();
  expect(currentTraceparent()).toBeUndefined();
  expect(lines[0]).not.toHaveProperty('traceId');
});

it('on: nests spans, continues a caller traceparent, and stamps log lines with the trace id, PII still masked', async () => {
  const memory = new InMemorySpanExporter();
  tracing = await startTracing({ serviceName: 't', env: env(), exporters: [memory] });
  const { lines, log } = capture();
  const caller = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
  let carried: string | undefined;
  await withSpan(
    'turn',
    async () => {
      await withSpan('inner', async () => {
        log.info({ text: 'mail me at jane@example.org' }, 'inside');
        carried = currentTraceparent();
      });
    },
    { parent: contextFrom(caller) },
  );
  const traceId = '0af7651916cd43dd8448eb211c80319c';
  expect(shape(spanTree(memory.getFinishedSpans(), traceId))).toEqual(['turn', ['inner']]);
  expect(lines[0]).toMatchObject({ traceId, msg: 'inside', text: 'mail me at [email]' });
  const inner = memory.getFinishedSpans().find((s) => s.name === 'inner');
  expect(lines[0]?.spanId).toBe(inner?.spanContext().spanId);
  expect(carried).toBe(`00-${traceId}-${inner?.spanContext().spanId}-01`);
});
