'use client';
import type { TRunList } from '@acsa/pipelines/runs';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect } from 'react';
import { EmptyState } from '@/components/empty-state';
import { shortId } from '@/components/format';
import { Moment } from '@/components/moment';
import { useTRPC } from '@/components/trpc';
import { cancelNote } from './run-summary';
import css from './runs-table.module.css';

const active = (status: string) => status === 'RUNNING' || status === 'QUEUED';

/**
 * Every 5 s while a listed run is active (its step and progress move, and its end is what the engineer
 * waits for); every 15 s otherwise, as the escalations queue, for a run started elsewhere (the CLI, new
 * labels, a drift alert, the schedule). Only while the page is visible: TanStack Query pauses an interval
 * in a hidden tab and refetches on return.
 */
const refreshMs = (list: TRunList | undefined) =>
  list?.items.some((r) => active(r.status)) ? 5_000 : 15_000;

/** The runs list, drawn on the server first and then kept current without a reload. */
export function RunsTable({ initial }: { initial: TRunList }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const list = useQuery({
    ...trpc.runs.list.queryOptions(),
    initialData: initial,
    refetchInterval: (q) => refreshMs(q.state.data),
  });
  // A list the server drew again (a later visit, a refused start's refresh) is newer than one cached
  // before, which initialData alone would keep showing. Only when it changes: it would undo a refetch.
  useEffect(() => {
    qc.setQueryData(trpc.runs.list.queryKey(), initial);
  }, [qc, trpc, initial]);
  const { items, total } = list.data;
  if (items.length === 0)
    return (
      <EmptyState title="No run yet">
        Start one above; the trainer (started by npm start) takes it within seconds.
      </EmptyState>
    );
  return (
    <table>
      {total > items.length ? (
        // The page keeps to the latest, polled every few seconds; the CLI lists every run, as Models does.
        <caption className="muted" data-testid="runs-shown">
          The latest {items.length} of {total} runs: <code>acsa runs list --limit {total}</code> lists every
          one.
        </caption>
      ) : null}
      <thead>
        <tr>
          <th scope="col">Run</th>
          <th scope="col">Status</th>
          <th scope="col">Started by</th>
          <th scope="col">Promotion · training size</th>
          <th scope="col">Gate</th>
          <th scope="col">Candidate</th>
          <th scope="col">Created · finished</th>
        </tr>
      </thead>
      <tbody>
        {items.map((r) => (
          <tr key={r.id}>
            <td>
              <Link href={`/runs/${r.id}`}>{shortId(r.id)}</Link>
            </td>
            <td>
              {r.status.toLowerCase()}
              {active(r.status) ? (
                <span className="muted">
                  {' '}
                  {Math.round(r.progress)} %{r.step ? ` (${r.step})` : ''}
                </span>
              ) : null}
              {r.error ? (
                <div className={`muted ${css.note}`} data-testid="run-note">
                  {cancelNote(r) ?? r.error}
                </div>
              ) : null}
            </td>
            <td>
              {r.trigger.toLowerCase()}
              {r.requestedBy ? <div className="muted">{r.requestedBy}</div> : null}
            </td>
            <td>
              {r.mode.toLowerCase()} · {r.preset ?? '—'}
            </td>
            <td>{r.gatePassed === null ? '—' : r.gatePassed ? 'passed' : 'refused'}</td>
            <td className="nowrap">{r.candidate ?? '—'}</td>
            <td className="nowrap">
              <Moment at={r.createdAt} />
              <div className="muted" data-testid="run-finished">
                <Moment at={r.finishedAt} />
              </div>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
