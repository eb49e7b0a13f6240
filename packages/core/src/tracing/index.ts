export { otelEnvShape, type TOtelEnv, tracesExporter } from './env.ts';
export {
  activeContext,
  activeTraceIds,
  type Context,
  contextForRun,
  contextFrom,
  currentTraceparent,
  failSpan,
  recordSpan,
  type Span,
  SpanKind,
  tracingEnabled,
  withSpan,
} from './spans.ts';
export { startTracing, type TTracing } from './start.ts';
