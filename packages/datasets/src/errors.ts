export type TDatasetFileErrorCode = 'UNREADABLE' | 'NOT_UTF8' | 'MISSING_COLUMN' | 'MALFORMED' | 'EMPTY';

/**
 * A problem with the file as a whole (unreadable, a CSV that is not UTF-8, a CSV header without the text
 * column, a CSV quote that never closes): no row can be trusted, so `--skip-invalid` cannot import around it.
 */
export class DatasetFileError extends Error {
  constructor(
    message: string,
    readonly code: TDatasetFileErrorCode,
  ) {
    super(message);
    this.name = 'DatasetFileError';
  }
}
