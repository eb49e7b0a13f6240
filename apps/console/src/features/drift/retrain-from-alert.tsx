'use client';
import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { shortId } from '@/components/format';
import { useTRPC } from '@/components/trpc';

/**
 * "Retrain from this alert": starts a DRIFT run naming the report, then links to it. When another run is
 * active no run starts (one at a time) and that run is linked instead, with why.
 */
export function RetrainFromAlert({ reportId }: { reportId: string }) {
  const trpc = useTRPC();
  const retrain = useMutation(trpc.drift.retrain.mutationOptions());
  const r = retrain.data;
  if (r)
    return (
      <p role="status" className="banner">
        {r.started ? (
          <>
            Retraining run started from this alert:{' '}
            <Link href={`/runs/${r.runId}`}>run {shortId(r.runId)}</Link> ({r.status.toLowerCase()}).
          </>
        ) : (
          <>
            No run started: <Link href={`/runs/${r.runId}`}>run {shortId(r.runId)}</Link> is already{' '}
            {r.status.toLowerCase()} (one run at a time). Retrain from this alert again once it ends.
          </>
        )}
      </p>
    );
  return (
    <div className="row actions" style={{ marginBottom: 12 }}>
      <button type="button" onClick={() => retrain.mutate({ reportId })} disabled={retrain.isPending}>
        {retrain.isPending ? 'Starting…' : 'Retrain from this alert'}
      </button>
      {retrain.error ? (
        <p role="alert" className="error">
          {retrain.error.message}
        </p>
      ) : null}
    </div>
  );
}
