import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Fields that may carry secrets or personal data; pino replaces them before a line is written.
 * Adding a field here is cheap; forgetting one leaks it into every log sink.
 */
export const REDACT_PATHS = [
  'authorization',
  'cookie',
  'password',
  'apiKey',
  'token',
  'customerToken',
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

/** JSON lines in production; colourised single lines in development (pino-pretty in a worker thread). */
export function createLogger({ name, level = 'info', pretty = false, destination }: TLoggerOptions): Logger {
  const options = { name, level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
  if (destination) return pino(options, destination);
  if (pretty) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { ignore: 'pid,hostname' } } });
  }
  return pino(options);
}

export type { Logger };
