/** A bundle that cannot be served: the message names the file and what is wrong with it. */
export class BundleError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'BundleError';
  }
}
