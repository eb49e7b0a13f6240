import { CliError } from './cli-error.ts';

/** A `--limit` flag's value: a positive integer, or an error naming what was given. */
export function parseLimit(raw: string): number {
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1)
    throw new CliError(`--limit must be a positive integer, got "${raw}"`);
  return limit;
}

/**
 * The last line of a list cut at its limit: how many rows it left out and the `--limit` that lists every
 * one; null when it left none out. `noun` is singular and plural ('more version', 'more versions').
 */
export function leftOutLine(o: { shown: number; total: number; noun: [string, string] }): string | null {
  const left = o.total - o.shown;
  if (left <= 0) return null;
  return `… and ${left} ${left === 1 ? o.noun[0] : o.noun[1]}: --limit ${o.total} lists every one`;
}
