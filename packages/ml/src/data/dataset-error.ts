/** One line of a data file that cannot be used, and why (the field and the parser's words). */
export type TRowProblem = { line: number; message: string };

/** Refusals list this many bad lines; a file in the wrong format would otherwise print every line. */
export const LISTED_ROW_PROBLEMS = 50;

/** A problem with a data or bundle file, phrased for the person who gave us that file (with its line). */
export class DatasetError extends Error {
  /** Every bad row of the file when it was refused for them (the message lists the first 50). */
  readonly rows: readonly TRowProblem[];

  constructor(
    readonly file: string,
    readonly line: number | undefined,
    detail: string,
    rows: readonly TRowProblem[] = [],
  ) {
    super(`${line === undefined ? file : `${file}:${line}`}: ${detail}`);
    this.name = 'DatasetError';
    this.rows = rows;
  }

  /** A file refused for its bad rows: one `FILE:LINE: why` line each, so every fix is found in one run. */
  static ofRows(file: string, rows: readonly TRowProblem[]): DatasetError {
    const [first, ...rest] = rows;
    if (!first) throw new Error('DatasetError.ofRows needs at least one row');
    const error = new DatasetError(file, first.line, first.message, rows);
    const listed = rest.slice(0, LISTED_ROW_PROBLEMS - 1).map((r) => `${file}:${r.line}: ${r.message}`);
    const more = rows.length - 1 - listed.length;
    error.message = [
      error.message,
      ...listed,
      ...(more > 0 ? [`… and ${more} more invalid rows`] : []),
      ...(rows.length > 1 ? [`${rows.length} invalid rows in ${file}`] : []),
    ].join('\n');
    return error;
  }
}
