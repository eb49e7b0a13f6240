'use client';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useTRPC } from '@/components/trpc';
import { OtherRunActive } from './other-run-active';

const MODES = {
  direct: 'direct: a candidate that passes the gate goes to production',
  experiment: 'experiment: A/B test against production',
  shadow: 'shadow: scored beside production, answering no one',
  none: 'none: only register it',
} as const;
const PRESETS = {
  full: 'full: the best model (minutes on 2 cores)',
  bootstrap: 'bootstrap: as npm start trains the first',
  small: 'small: seconds, for a quick check',
} as const;

/** Starts a run (as `acsa retrain --mode --preset`) and opens it; while one is active, says so instead. */
export function StartRun() {
  const trpc = useTRPC();
  const router = useRouter();
  const [mode, setMode] = useState<keyof typeof MODES>('direct');
  const [preset, setPreset] = useState<keyof typeof PRESETS>('full');
  const [active, setActive] = useState<{ runId: string; message: string } | null>(null);
  const start = useMutation(
    trpc.runs.start.mutationOptions({
      onMutate: () => setActive(null),
      onSuccess: (r) =>
        r.started ? router.push(`/runs/${r.runId}`) : setActive({ runId: r.runId, message: r.message }),
      // A refused start may still have recorded its run (failed, or queued when the job queue did not
      // answer): the list below shows it, beside the message that names it.
      onError: () => router.refresh(),
    }),
  );
  return (
    <form
      className="row actions card"
      aria-label="Start a run"
      onSubmit={(e) => {
        e.preventDefault();
        start.mutate({ mode, preset });
      }}
    >
      <label>
        Promotion
        <select value={mode} onChange={(e) => setMode(e.target.value as keyof typeof MODES)}>
          {Object.entries(MODES).map(([k, v]) => (
            <option key={k} value={k}>
              {v}
            </option>
          ))}
        </select>
      </label>
      <label>
        Training size
        <select value={preset} onChange={(e) => setPreset(e.target.value as keyof typeof PRESETS)}>
          {Object.entries(PRESETS).map(([k, v]) => (
            <option key={k} value={k}>
              {v}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={start.isPending}>
        {start.isPending ? 'Starting…' : 'Start a run'}
      </button>
      {active ? <OtherRunActive what="Not started" other={active} testId="start-not-started" /> : null}
      {start.error ? (
        <p role="alert" className="error">
          {start.error.message}
        </p>
      ) : null}
    </form>
  );
}
