'use client';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useSayStatus } from '@/components/page-status';
import { useTRPC } from '@/components/trpc';

/**
 * Stop (traffic back to production) or conclude with a winner (production serves it), with a reason. What a
 * conclusion did is said in the page's status line: it is refused (the experiment only stops) when
 * production moved since the experiment started, and then the line, an alert, says why and what to do.
 */
export function ExperimentActions(props: {
  experimentId: string;
  name: string;
  status: string;
  variants: string[];
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [reason, setReason] = useState('');
  const [winner, setWinner] = useState(props.variants[props.variants.length - 1] ?? '');
  const say = useSayStatus();
  const onSuccess = () => {
    setReason('');
    router.refresh();
  };
  const stop = useMutation(trpc.experiments.stop.mutationOptions({ onSuccess }));
  const conclude = useMutation(
    trpc.experiments.conclude.mutationOptions({
      onSuccess: (r) => {
        if (r.promoted) say(`${props.name} concluded: ${r.message}.`);
        else say(`${props.name} stopped without a winner: ${r.message}.`, 'alert');
        onSuccess();
      },
    }),
  );
  if (props.status === 'CONCLUDED' || props.status === 'DRAFT') return null;
  const error = stop.error ?? conclude.error;
  const ready = reason.trim().length >= 3;
  const hintId = `why-${props.experimentId}`;
  return (
    <form className="row actions" aria-label={`Decide ${props.name}`} onSubmit={(e) => e.preventDefault()}>
      <label className="grow">
        Why (kept in the audit log)
        <input
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          maxLength={500}
          placeholder="what the results showed"
          aria-describedby={ready ? undefined : hintId}
        />
        {ready ? null : (
          <small id={hintId} className="muted">
            Stop and Conclude wait for a reason of 3 characters or more.
          </small>
        )}
      </label>
      {props.status === 'RUNNING' ? (
        <button
          type="button"
          className="secondary"
          disabled={!ready || stop.isPending}
          onClick={() => stop.mutate({ experimentId: props.experimentId, reason })}
        >
          Stop: all traffic to production
        </button>
      ) : null}
      <label>
        Winner
        <select value={winner} onChange={(e) => setWinner(e.target.value)}>
          {props.variants.map((v) => (
            <option key={v}>{v}</option>
          ))}
        </select>
      </label>
      <button
        type="button"
        disabled={!ready || conclude.isPending}
        onClick={() => conclude.mutate({ experimentId: props.experimentId, winner, reason })}
      >
        Conclude: production serves {winner}
      </button>
      {error ? (
        <p role="alert" className="error">
          {error.message}
        </p>
      ) : null}
    </form>
  );
}
