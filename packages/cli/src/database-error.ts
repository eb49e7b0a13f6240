import { CliError } from './cli-error.ts';

/** pg's words when its connect limit passes: from the client (handshake) or from the pool (checkout). */
const CONNECT_TIMED_OUT = /connection timeout|timeout exceeded when trying to connect/;

/** Where the URL points, as people name a server: host:port, with PostgreSQL's default port filled in. */
function serverOf(url: URL): string {
  const host = url.hostname || url.searchParams.get('host') || 'localhost';
  return `${host}:${url.port || 5432}`;
}

/**
 * The failure to reach or open the database as one line for the terminal: which server, what went wrong,
 * and that DATABASE_URL chose it. Prisma wraps the driver's words in lines about the invocation; only those
 * words are kept, and the password is cut out in case a driver ever echoes the URL.
 */
export function databaseError(err: unknown, options: { url: string; connectTimeoutMs: number }): CliError {
  const url = new URL(options.url);
  const where = `PostgreSQL at ${serverOf(url)}`;
  const message = err instanceof Error ? err.message : String(err);
  const kind = (err as { meta?: { driverAdapterError?: { cause?: { kind?: string } } } }).meta
    ?.driverAdapterError?.cause?.kind;
  if (CONNECT_TIMED_OUT.test(message))
    return new CliError(
      `${where} did not answer within ${options.connectTimeoutMs / 1000} s: is it running? (DATABASE_URL)`,
    );
  if (kind === 'DatabaseNotReachable')
    return new CliError(`${where} cannot be reached: is it running? (DATABASE_URL)`);
  const driver = /Message: `([^`]*)`/.exec(message)?.[1] ?? message.trim().split('\n').at(-1) ?? '';
  const password = decodeURIComponent(url.password);
  const line = password ? driver.replaceAll(password, '***') : driver;
  return new CliError(`${where}: ${line.slice(0, 300)} (DATABASE_URL)`);
}
