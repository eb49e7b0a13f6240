'use client';
import { useQuery } from '@tanstack/react-query';
import { pct } from '@/components/format';
import { useTRPC } from '@/components/trpc';

/** A retraining run followed live: its step and progress, then what it trained on and the gate's decision. */
export function RunProgress({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const run = useQuery({
    ...trpc.learningData.run.queryOptions({ id: runId }),
    refetchInterval: (q) =>
      !q.state.data || ['QUEUED', 'RUNNING'].includes(q.state.data.status) ? 2000 : false,
  });
  const v = run.data;
  if (!v) return null;
  const active = v.status === 'QUEUED' || v.status === 'RUNNING';
  return (
    <div role="status" data-testid="run" className="run">
      <p>
        Run {v.id.slice(-8)}: <strong>{v.status.toLowerCase()}</strong>
        {active
          ? ` — ${v.step ?? 'waiting for the trainer'} (${Math.round(v.progress)} %); the trainer snapshots the labels, trains, and the gate decides`
          : v.error
            ? ` — ${v.error}`
            : ''}
      </p>
      {v.snapshot ? (
        <p>
          Trained on snapshot v{v.snapshot.version}: {v.snapshot.examples} examples, {v.snapshot.fromLabels}{' '}
          of them from reviewers' labels.
        </p>
      ) : null}
      {v.gate ? (
        <p data-testid="gate">
          Gate {v.gate.passed ? 'passed' : 'refused the candidate'}: accuracy {pct(v.gate.candidateAccuracy)}
          {v.gate.productionAccuracy != null ? ` vs ${pct(v.gate.productionAccuracy)} in production` : ''}
          {v.gate.reasons.length ? ` — ${v.gate.reasons.join('; ')}` : ''}
        </p>
      ) : null}
    </div>
  );
}
