/**
 * The error `p` rejects with, to assert on (its code, its exact message); a promise that resolves fails the
 * test instead, since an answer is what the caller expected not to get.
 */
export const rejectionOf = (p: Promise<unknown>): Promise<Error & { code?: string }> =>
  p.then(
    () => {
      throw new Error('it answered');
    },
    (e: Error & { code?: string }) => e,
  );
