import { maskPii } from './mask-text.ts';

const MAX_DEPTH = 32;

const isPlain = (v: object) => {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/**
 * A copy of the error with every string property masked, message and stack included, keeping its class
 * (what a log serializer reads its type from) and its cause.
 */
function maskError(e: Error, depth: number, path: Set<object>): Error {
  const copy = Object.create(Object.getPrototypeOf(e)) as Error;
  for (const key of Object.getOwnPropertyNames(e)) {
    const descriptor = Object.getOwnPropertyDescriptor(e, key);
    const value = walk((e as unknown as Record<string, unknown>)[key], depth + 1, path);
    Object.defineProperty(copy, key, {
      value,
      enumerable: descriptor?.enumerable ?? false,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

function walk(value: unknown, depth: number, path: Set<object>): unknown {
  if (typeof value === 'string') return maskPii(value);
  if (value === null || typeof value !== 'object') return value;
  if (path.has(value)) return '[Circular]';
  if (depth > MAX_DEPTH) return '[…]';
  const error = value instanceof Error;
  if (!error && !Array.isArray(value) && !isPlain(value)) return value;
  path.add(value);
  try {
    if (error) return maskError(value, depth, path);
    if (Array.isArray(value)) {
      const items = value.map((item) => walk(item, depth + 1, path));
      return items.some((item, i) => item !== value[i]) ? items : value;
    }
    const record = value as Record<string, unknown>;
    const entries = Object.entries(record).map(([key, v]) => [key, walk(v, depth + 1, path)] as const);
    return entries.some(([key, v]) => v !== record[key]) ? Object.fromEntries(entries) : value;
  } finally {
    path.delete(value);
  }
}

/**
 * `value` with maskPii applied to every string in it, at any depth: plain objects, arrays and errors are
 * copied where something was masked (the original is never changed), and returned as they are otherwise.
 * Instances of other classes (a Date, a Buffer, a socket) are left alone, since walking them would cost
 * more than a log line is worth: log plain values, not live objects. Cycles become '[Circular]'.
 */
export function maskPiiDeep<T>(value: T): T {
  return walk(value, 0, new Set()) as T;
}
