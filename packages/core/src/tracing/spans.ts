import {
  type Attributes,
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TimeInput,
  TraceFlags,
  trace,
} from '@opentelemetry/api';

export type { Context, Span };
export { SpanKind };

const tracer = () => trace.getTracer('acsa');
let enabled = false;

/** Set by startTracing: while false every helper here is a plain call (no span objects, no context). */
export function setTracingEnabled(on: boolean): void {
  enabled = on;
}
export const tracingEnabled = (): boolean => enabled;

type TSpanOptions = { attributes?: Attributes; kind?: SpanKind; parent?: Context };

/**
 * Runs `fn` inside a span named `name` (a child of the active one, or of `parent`), ends it when `fn`
 * settles and marks it failed with the error when `fn` throws. With tracing off it is `fn()` and nothing else.
 */
export function withSpan<T>(name: string, fn: (span?: Span) => Promise<T>, options: TSpanOptions = {}) {
  if (!enabled) return fn();
  const parent = options.parent ?? context.active();
  return tracer().startActiveSpan(
    name,
    { attributes: options.attributes, kind: options.kind },
    parent,
    async (span) => {
      try {
        return await fn(span);
      } catch (e) {
        failSpan(span, e);
        throw e;
      } finally {
        span.end();
      }
    },
  );
}

export function failSpan(span: Span | undefined, e: unknown): void {
  if (!span) return;
  span.recordException(e instanceof Error ? e : String(e));
  span.setStatus({ code: SpanStatusCode.ERROR, message: e instanceof Error ? e.message : String(e) });
}

/** A span of work already done (times from performance.now()), e.g. a turn's wait in a shared batch. */
export function recordSpan(
  name: string,
  start: TimeInput,
  end: TimeInput,
  options: { attributes?: Attributes; parent?: Context } = {},
): void {
  if (!enabled) return;
  const span = tracer().startSpan(
    name,
    { startTime: start, attributes: options.attributes },
    options.parent ?? context.active(),
  );
  span.end(end);
}

/** The active context, for work that will finish in another callback (a batch, a timer). */
export const activeContext = (): Context => context.active();

/** The active span as a W3C `traceparent`, to carry in a job payload; undefined with tracing off. */
export function currentTraceparent(): string | undefined {
  if (!enabled) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** The context a `traceparent` (a header, a job payload) names, to parent spans on; root when absent. */
export function contextFrom(traceparent: string | string[] | undefined): Context {
  if (!enabled || typeof traceparent !== 'string') return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, { traceparent });
}

/**
 * The parent for every span of a long-lived piece of work that has a uuid of its own (a retraining run,
 * whose steps run minutes apart, in other processes, after restarts): its trace id is the uuid's 32 hex
 * digits, so the run's trace is found by the run's id, under one (never exported) remote parent.
 */
export function contextForRun(id: string): Context {
  const hex = id.replace(/-/g, '').toLowerCase();
  if (!enabled || !/^[\da-f]{32}$/.test(hex)) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: hex,
    spanId: hex.slice(16),
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  });
}

/** `{ traceId, spanId }` of the active span, for log lines; undefined when there is none. */
export function activeTraceIds(): { traceId: string; spanId: string } | undefined {
  if (!enabled) return undefined;
  const span = trace.getSpan(context.active());
  if (!span) return undefined;
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId };
}
