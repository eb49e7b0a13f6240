'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { EmptyState } from '@/components/empty-state';
import { useTRPC } from '@/components/trpc';
import { EscalationCard } from './escalation-card';
import { ResolvedEscalations } from './resolved-escalations';

/** Where focus goes after resolving the only card: no card is left to take it. */
const LIST_END = '';

export function EscalationsQueue({ userId }: { userId: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [view, setView] = useState<'active' | 'resolved'>('active');
  // New hand-overs appear while the page is open, not only when the window is focused again.
  const list = useQuery({
    ...trpc.escalations.list.queryOptions({ status: 'active' }),
    enabled: view === 'active',
    refetchInterval: 15_000,
  });
  const shown = list.data?.items.length ?? 0;
  const total = list.data?.total ?? shown;
  const invalidate = () => qc.invalidateQueries({ queryKey: trpc.escalations.list.queryKey() });
  const take = useMutation(trpc.escalations.take.mutationOptions({ onSettled: invalidate }));
  const resolve = useMutation(trpc.escalations.resolve.mutationOptions({ onSettled: invalidate }));
  const handBack = useMutation(trpc.escalations.handBack.mutationOptions({ onSettled: invalidate }));
  const error = take.error ?? resolve.error ?? handBack.error;
  // One action's error at a time: starting another clears the last one's (it stood after later successes).
  const resetAll = () => {
    take.reset();
    resolve.reset();
    handBack.reset();
  };
  // After a resolve (the card goes) or a hand back (its form goes), focus moves to a card's heading, not to
  // the page's body: the next one waiting, or the card handed back.
  const [focusNext, setFocusNext] = useState<string | null>(null);
  useEffect(() => {
    if (focusNext === null || !list.data) return;
    // The last card resolved: the queue's own tab, once the empty queue is shown.
    if (focusNext === LIST_END) {
      if (list.data.items.length) return;
      document.querySelector<HTMLElement>('[role=tab][aria-selected=true]')?.focus();
    } else {
      if (!list.data.items.some((x) => x.id === focusNext)) return;
      document.getElementById(`esc-${focusNext}`)?.focus();
    }
    setFocusNext(null);
  }, [focusNext, list.data]);
  const after = (id: string) => {
    const items = list.data?.items ?? [];
    const at = items.findIndex((x) => x.id === id);
    return (items[at + 1] ?? items[at - 1])?.id ?? LIST_END;
  };

  return (
    <>
      <div className="tabs" role="tablist" aria-label="Which escalations">
        {(['active', 'resolved'] as const).map((v) => (
          <button key={v} type="button" role="tab" aria-selected={view === v} onClick={() => setView(v)}>
            {v === 'active' ? 'Open and taken' : 'Resolved'}
          </button>
        ))}
      </div>
      {error ? (
        <p role="alert" className="error">
          {error.message}
        </p>
      ) : null}
      {view === 'resolved' ? (
        <ResolvedEscalations />
      ) : (
        <>
          {list.isPending ? <p aria-busy="true">Loading escalations…</p> : null}
          {/* A failed load, or a failed refetch over the cards last loaded, is said: a blank tab read as "no
              one waiting", and stale cards as the queue now. The empty state only follows a load that worked. */}
          {list.isError ? (
            <p role="alert" className="error">
              {list.data
                ? `Could not refresh: ${list.error.message}. These are the escalations as last loaded.`
                : `Escalations could not be loaded: ${list.error.message}`}
            </p>
          ) : null}
          {list.isSuccess && list.data.items.length === 0 ? (
            <EmptyState title="No open escalations">
              New ones appear here when the agent hands a conversation over to a person.
            </EmptyState>
          ) : null}
          {total > shown ? (
            <p className="muted" data-testid="escalations-shown">
              The {shown} who have waited longest of {total} open and taken, oldest first: the rest appear as
              these are handled.
            </p>
          ) : null}
          <ol className="stack">
            {list.data?.items.map((e) => (
              <li key={e.id}>
                <EscalationCard
                  escalation={e}
                  mine={e.assignee?.id === userId}
                  busy={take.isPending || resolve.isPending || handBack.isPending}
                  onTake={() => {
                    resetAll();
                    take.mutate({ id: e.id });
                  }}
                  onResolve={(note) => {
                    resetAll();
                    setFocusNext(after(e.id));
                    resolve.mutate({ id: e.id, note });
                  }}
                  onHandBack={() => {
                    resetAll();
                    setFocusNext(e.id);
                    handBack.mutate({ id: e.id });
                  }}
                />
              </li>
            ))}
          </ol>
        </>
      )}
    </>
  );
}
