'use client';
import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { shortId } from '@/components/format';
import { useTRPC } from '@/components/trpc';
import { gateSentence } from './gate-words';

/** A retraining run followed live: its step and progress, then what it trained on and the gate's decision. */
export function RunProgress({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const run = useQuery({
    ...trpc.learningData.run.queryOptions({ id: runId }),
    refetchInterval: (q) =>
      !q.state.data || ['QUEUED', 'RUNNING'].includes(q.state.data.status) ? 2000 : false,
  });
  const v = run.data;
  const active = !v || v.status === 'QUEUED' || v.status === 'RUNNING';
  const snapshot = v?.snapshot?.version;
  // The dataset table is rendered on the server: redraw it when the run's snapshot (a new version) appears
  // and when the run ends, so its row and run count are there without a reload.
  useEffect(() => {
    if (snapshot != null || !active) router.refresh();
  }, [snapshot, active, router]);
  if (!v) return null;
  return (
    <div role="status" data-testid="run" className="run">
      <p>
        Run {shortId(v.id)}: <strong>{v.status.toLowerCase()}</strong>
        {active
          ? ` — ${v.step ?? 'waiting for the trainer'} (${Math.round(v.progress)} %); the trainer snapshots the labels, trains, and the gate decides`
          : v.error
            ? ` — ${v.error}`
            : ''}
      </p>
      {v.snapshot ? (
        <p>
          Trained on {v.snapshot.dataset} v{v.snapshot.version}: {v.snapshot.examples} examples,{' '}
          {v.snapshot.fromLabels} of them from reviewers' labels.
        </p>
      ) : null}
      {v.gate ? <p data-testid="gate">{gateSentence(v.gate)}</p> : null}
    </div>
  );
}
