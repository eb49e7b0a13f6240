'use client';
import type { TReplicaAlias, TServingReplica } from '@acsa/pipelines/registry';
import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useRef } from 'react';
import { EmptyState } from '@/components/empty-state';
import { clock, plural } from '@/components/format';
import { useTRPC } from '@/components/trpc';
import { useLastFailure } from './use-last-failure';

// Every 2 s: a promotion reaches announced replicas in about a second, and the page should show them
// converging as it happens rather than after a reload.
const REFRESH_MS = 2_000;

const ago = (s: number) => (s < 1 ? 'just now' : `${s} s ago`);

function AliasCell({ a, replica }: { a: TReplicaAlias; replica: TServingReplica }) {
  if (a.state === 'current')
    return (
      <>
        {a.have} <span className="badge status-resolved">current</span>
      </>
    );
  if (a.state === 'failed')
    return (
      <span className="error">
        {a.want} failed to load here; still on {a.have ?? 'nothing'} (retried every minute)
      </span>
    );
  if (a.state === 'stale')
    return (
      <>
        {a.have}{' '}
        <span className="badge status-assigned">
          no longer wanted; dropped within {replica.pollSeconds} s
        </span>
      </>
    );
  return (
    <span className="badge status-assigned">
      still on {a.have ?? 'nothing'} — picks up {a.want} within {replica.pollSeconds} s
    </span>
  );
}

/**
 * The registry page's "Serving replicas": what each serving worker reports it answers with, against what
 * the aliases say, refreshed every 2 s so a move is seen reaching every replica.
 */
export function ServingReplicas({ shownProduction }: { shownProduction: string | null }) {
  const trpc = useTRPC();
  const router = useRouter();
  const q = useQuery({ ...trpc.models.replicas.queryOptions(), refetchInterval: REFRESH_MS });
  // Production moved since the page was drawn (a run's promotion, the CLI, a colleague): the Aliases table
  // and badges above are drawn again instead of contradicting this panel until a reload.
  const wantedProduction = q.data?.wanted.find((w) => w.alias === 'production')?.version ?? null;
  // Asked again on a later poll while the page still shows another version (at most every 5 s): a refresh
  // drawn from a read that raced the move, or lost, must not leave the table behind for good.
  const refreshedAt = useRef(0);
  useEffect(() => {
    if (!q.dataUpdatedAt || wantedProduction === shownProduction) return;
    if (Date.now() - refreshedAt.current < 5_000) return;
    refreshedAt.current = Date.now();
    router.refresh();
  }, [q.dataUpdatedAt, wantedProduction, shownProduction, router]);
  // Kept while the 2 s poll asks again: the error would otherwise give way to "Reading…" on every try.
  const failure = useLastFailure(q);
  if (failure)
    return (
      <p role="alert" className="error">
        Could not read the serving replicas: {failure}
      </p>
    );
  const v = q.data;
  if (!v) return <p className="muted">Reading what serving reports…</p>;
  // Said whatever the replicas report: the experiment is read from the registry, and with Redis down or no
  // replica reporting, production still answers no one while it runs.
  const experiment = v.experiment ? (
    <p className="warning-text" data-testid="replicas-experiment">
      Experiment {v.experiment} is running: its variants answer every session, and production takes no traffic
      until it ends. Promoting or rolling back production stops it.
    </p>
  ) : null;
  if (!v.reachable)
    return (
      <>
        {experiment}
        <EmptyState title="Redis did not answer">
          Serving replicas report to Redis; none can be listed until it answers again (serving keeps answering
          meanwhile).
        </EmptyState>
      </>
    );
  if (v.replicas.length === 0)
    return (
      <>
        {experiment}
        <EmptyState title={`No serving replica has reported in the last ${v.windowSeconds} s`}>
          Is serving running and on the same Redis (and REDIS_PREFIX as this console's SERVING_REDIS_PREFIX)?
        </EmptyState>
      </>
    );
  const production = v.wanted.find((w) => w.alias === 'production');
  const onProduction = v.replicas.filter((r) =>
    r.aliases.some((a) => a.alias === 'production' && a.state === 'current'),
  ).length;
  const others = (r: TServingReplica) => r.aliases.filter((a) => a.alias !== 'production');
  return (
    <>
      <p data-testid="replicas-summary">
        {production
          ? `${onProduction} of ${plural(v.replicas.length, 'replica')} answer${onProduction === 1 ? 's' : ''} with production's ${production.version}.`
          : `${plural(v.replicas.length, 'replica')} reporting; no production alias.`}
      </p>
      {experiment}
      <table>
        <thead>
          <tr>
            <th scope="col">Replica</th>
            <th scope="col">production</th>
            <th scope="col">Other aliases</th>
            <th scope="col">Last swap</th>
            <th scope="col">Reported</th>
          </tr>
        </thead>
        <tbody>
          {v.replicas.map((r) => {
            const prod = r.aliases.find((a) => a.alias === 'production');
            return (
              <tr key={r.replicaId} data-replica={r.replicaId} data-production={prod?.have ?? ''}>
                <th scope="row">
                  {r.replicaId}
                  <br />
                  <span className="muted">
                    since {r.startedAt ? `${clock(r.startedAt, 'second')} UTC` : '—'}
                  </span>
                </th>
                <td>{prod ? <AliasCell a={prod} replica={r} /> : <span className="muted">none</span>}</td>
                <td>
                  {others(r).length === 0 ? (
                    <span className="muted">none</span>
                  ) : (
                    others(r).map((a) => (
                      <div key={a.alias}>
                        <strong>{a.alias}</strong>: <AliasCell a={a} replica={r} />
                      </div>
                    ))
                  )}
                </td>
                <td>{r.lastSwapAt ? `${clock(r.lastSwapAt, 'second')} UTC` : '—'}</td>
                <td>{ago(r.reportedSecondsAgo)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
