/** A problem with a data or bundle file, phrased for the person who gave us that file (with its line). */
export class DatasetError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    detail: string,
  ) {
    super(`${line === undefined ? file : `${file}:${line}`}: ${detail}`);
    this.name = 'DatasetError';
  }
}
