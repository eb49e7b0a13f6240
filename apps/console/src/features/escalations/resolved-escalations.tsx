'use client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { EmptyState } from '@/components/empty-state';
import { useTRPC } from '@/components/trpc';
import { ResolvedEscalation } from './resolved-escalation';

/**
 * Resolved escalations, latest first, a page at a time. "Older" follows the server's keyset cursor; the
 * cursors already followed are kept so "Newer" goes back exactly to the page the reader came from.
 */
export function ResolvedEscalations() {
  const trpc = useTRPC();
  const [trail, setTrail] = useState<string[]>([]);
  const before = trail.at(-1);
  const page = useQuery({
    ...trpc.escalations.list.queryOptions({ status: 'resolved', before }),
    placeholderData: keepPreviousData,
  });
  if (page.isPending) return <p aria-busy="true">Loading escalations…</p>;
  // A failed load is said as such: "Nothing resolved yet" over a failed read told the reader a falsehood.
  if (page.isError && !page.data)
    return (
      <p role="alert" className="error">
        Resolved escalations could not be loaded: {page.error.message}
      </p>
    );
  const items = page.data?.items ?? [];
  const older = page.data?.older ?? null;
  if (page.isSuccess && items.length === 0 && trail.length === 0)
    return (
      <EmptyState title="Nothing resolved yet">Escalations you and others resolve are kept here.</EmptyState>
    );
  return (
    <>
      {page.isError ? (
        <p role="alert" className="error">
          Could not refresh: {page.error.message}. These are the escalations as last loaded.
        </p>
      ) : null}
      <ol className="stack" aria-busy={page.isPlaceholderData}>
        {items.map((e) => (
          <li key={e.id}>
            <ResolvedEscalation escalation={e} />
          </li>
        ))}
      </ol>
      {trail.length === 0 && !older ? null : (
        <nav className="row actions" aria-label="Resolved escalations pages">
          <button
            type="button"
            className="secondary"
            disabled={trail.length === 0 || page.isPlaceholderData}
            onClick={() => setTrail((t) => t.slice(0, -1))}
          >
            Newer
          </button>
          <button
            type="button"
            className="secondary"
            disabled={!older || page.isPlaceholderData}
            onClick={() => older && setTrail((t) => [...t, older])}
          >
            Older
          </button>
        </nav>
      )}
    </>
  );
}
