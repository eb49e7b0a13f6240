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
  type TPage = NonNullable<typeof page.data>;
  // The last page that loaded, with the cursors that led to it: what stays on screen, paging from where it
  // is, when a page change fails. keepPreviousData alone shows the old page only while the new one loads; a
  // failed load has no data, and the list and its paging buttons gave way to the error.
  const [shown, setShown] = useState<{ trail: string[]; data: TPage } | null>(null);
  if (page.data && !page.isPlaceholderData && shown?.data !== page.data) setShown({ trail, data: page.data });
  if (!shown) {
    if (!page.isError) return <p aria-busy="true">Loading escalations…</p>;
    // A failed load is said as such: "Nothing resolved yet" over a failed read told the reader a falsehood.
    return (
      <p role="alert" className="error">
        Resolved escalations could not be loaded: {page.error.message}
      </p>
    );
  }
  const { items, older } = shown.data;
  if (!page.isError && items.length === 0 && shown.trail.length === 0)
    return (
      <EmptyState title="Nothing resolved yet">Escalations you and others resolve are kept here.</EmptyState>
    );
  // The page asked for again after a failure has the same key: only a refetch asks the server again.
  const go = (next: string[]) => (next.at(-1) === before ? void page.refetch() : setTrail(next));
  return (
    <>
      {page.isError ? (
        <p role="alert" className="error">
          {page.data ? 'Could not refresh' : 'Could not load that page'}: {page.error.message}. These are the
          escalations as last loaded.
        </p>
      ) : null}
      <ol className="stack" aria-busy={page.isPlaceholderData}>
        {items.map((e) => (
          <li key={e.id}>
            <ResolvedEscalation escalation={e} />
          </li>
        ))}
      </ol>
      {shown.trail.length === 0 && !older ? null : (
        <nav className="row actions" aria-label="Resolved escalations pages">
          <button
            type="button"
            className="secondary"
            disabled={shown.trail.length === 0 || page.isPlaceholderData}
            onClick={() => go(shown.trail.slice(0, -1))}
          >
            Newer
          </button>
          <button
            type="button"
            className="secondary"
            disabled={!older || page.isPlaceholderData}
            onClick={() => older && go([...shown.trail, older])}
          >
            Older
          </button>
        </nav>
      )}
    </>
  );
}
