import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { maskPii, maskPiiDeep } from './pii/index.ts';
import { activeTraceIds } from './tracing/spans.ts';

/**
 * Fields that may carry secrets or personal data; pino replaces them before a line is written.
 * Adding a field here is cheap; forgetting one leaks it into every log sink. Contact and card details
 * inside free text, under any key and in the message, are masked on top of this (see `masking`).
 */
export const REDACT_PATHS = [
  'authorization',
  'cookie',
  'password',
  'apiKey',
  'token',
  'customerToken',
  'sessionToken',
  'sessionTokenHash',
  'secret',
  'email',
  'phone',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  '*.authorization',
  '*.password',
  '*.passwordHash',
  '*.apiKey',
  '*.token',
  '*.customerToken',
  '*.sessionToken',
  '*.sessionTokenHash',
  '*.*.token',
  '*.*.customerToken',
  '*.*.sessionToken',
  '*.*.password',
  '*.*.apiKey',
  '*.secret',
  '*.email',
  '*.phone',
];

export type TLoggerOptions = {
  name: string;
  level?: string;
  pretty?: boolean;
  destination?: DestinationStream;
};

type TLogArgs = Parameters<Logger['info']>;

/**
 * Masks emails, phones and card numbers in every string a line holds before pino writes it: the merged
 * object at any depth (errors' message and stack included), the child bindings, and the message with its
 * format arguments. Field names are not enough: customer text carries them inside a sentence.
 */
const masking: Pick<LoggerOptions, 'formatters' | 'hooks'> = {
  formatters: { log: (object) => maskPiiDeep(object), bindings: (bindings) => maskPiiDeep(bindings) },
  hooks: {
    logMethod(args, method) {
      const [first, second] = args as unknown[];
      // Given an error and no message, pino writes the error's message as the line's: masked here first.
      if (typeof first === 'object' && first !== null && second === undefined && !('msg' in first)) {
        const err = first instanceof Error ? first : (first as { err?: { message?: unknown } }).err;
        if (typeof err?.message === 'string') return method.apply(this, [first, maskPii(err.message)]);
      }
      const masked = args.map((a, i) => (i === 0 && typeof a === 'object' ? a : maskPiiDeep(a)));
      return method.apply(this, masked as TLogArgs);
    },
  },
};

/**
 * pino passes only the root's bindings through `formatters.bindings`, never a child's ({ jobId, … }), so
 * `child` masks them itself; children are made from their parent's prototype chain and inherit this one.
 */
function maskChildBindings(root: Logger): Logger {
  const child = root.child;
  root.child = function (this: Logger, bindings, options) {
    return child.call(this, maskPiiDeep(bindings), options);
  } as Logger['child'];
  return root;
}

const NO_TRACE = {};

/**
 * Every line written inside a traced span carries its `traceId` and `spanId`, so a slow turn's trace and its
 * log lines are found from either. With tracing off this returns one shared empty object.
 */
const traceMixin = (): object => activeTraceIds() ?? NO_TRACE;

/** JSON lines in production; colourised single lines in development (pino-pretty in a worker thread). */
export function createLogger({ name, level = 'info', pretty = false, destination }: TLoggerOptions): Logger {
  const options = {
    name,
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    mixin: traceMixin,
    ...masking,
  };
  if (destination) return maskChildBindings(pino(options, destination));
  if (pretty) {
    const transport = { target: 'pino-pretty', options: { ignore: 'pid,hostname' } };
    return maskChildBindings(pino({ ...options, transport }));
  }
  return maskChildBindings(pino(options));
}

export type { Logger };
