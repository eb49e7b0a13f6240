'use client';
import { useEffect, useState } from 'react';

type TQueryState = { error: { message: string } | null; errorUpdatedAt: number; dataUpdatedAt: number };

/**
 * A query's latest read failed, with its message, kept while it is asked again. Read again after a failure
 * with no answer yet, React Query goes back to pending and clears `error`: a polled or retried query would
 * flip between "Checking…" and its failure every few seconds, and a failure with nothing to show for it
 * would read as a check still on its way. Null once a read succeeds after it.
 */
export function useLastFailure(q: TQueryState): string | null {
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => {
    if (q.error) setMessage(q.error.message);
  }, [q.error]);
  if (q.errorUpdatedAt <= q.dataUpdatedAt) return null;
  return q.error?.message ?? message ?? 'no answer';
}
