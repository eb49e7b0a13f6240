import type { ReadableSpan } from '@opentelemetry/sdk-trace';

export { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';

export type TSpanNode = {
  name: string;
  ms: number;
  attributes: ReadableSpan['attributes'];
  children: TSpanNode[];
};

/** The finished spans of one trace as a tree (children in start order), for tests and printing. */
export function spanTree(spans: readonly ReadableSpan[], traceId: string): TSpanNode[] {
  const mine = spans.filter((s) => s.spanContext().traceId === traceId);
  const ids = new Set(mine.map((s) => s.spanContext().spanId));
  const node = (s: ReadableSpan): TSpanNode => ({
    name: s.name,
    ms: s.duration[0] * 1e3 + s.duration[1] / 1e6,
    attributes: s.attributes,
    children: mine
      .filter((c) => c.parentSpanContext?.spanId === s.spanContext().spanId)
      .sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1])
      .map(node),
  });
  return mine.filter((s) => !s.parentSpanContext || !ids.has(s.parentSpanContext.spanId)).map(node);
}

/** A tree as indented lines: `name  1.23 ms`. */
export function printTree(nodes: TSpanNode[], depth = 0): string {
  return nodes
    .map((n) => `${'  '.repeat(depth)}${n.name}  ${n.ms.toFixed(2)} ms\n${printTree(n.children, depth + 1)}`)
    .join('');
}

/** Names only, nested, for assertions: `['POST /v1/chat', ['auth', 'nlu', ['nlu.batch-wait', …]]]`. */
export const shape = (nodes: TSpanNode[]): unknown[] =>
  nodes.flatMap((n) => (n.children.length ? [n.name, shape(n.children)] : [n.name]));
