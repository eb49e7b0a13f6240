'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { plural, utc } from '@/components/format';
import { useTRPC } from '@/components/trpc';
import { RunProgress } from './run-progress';

/** "N new labels since the last retrain", and for engineers the button that starts one. */
export function NewLabelsBanner({ canRetrain }: { canRetrain: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const labels = useQuery(trpc.learningData.newLabels.queryOptions());
  const retrain = useMutation(
    trpc.learningData.retrain.mutationOptions({
      onSettled: () => qc.invalidateQueries({ queryKey: trpc.learningData.newLabels.queryKey() }),
    }),
  );
  const [preset, setPreset] = useState<'small' | 'bootstrap' | 'full'>('full');
  if (!labels.data) return null;
  const { count, since } = labels.data;
  return (
    <aside className="banner" aria-label="New labels">
      <p>
        <strong data-testid="new-labels">{plural(count, 'new label')}</strong> since the last retrain
        {since ? ` (${utc(since)})` : ' — none has run yet'}.
      </p>
      {canRetrain ? (
        <span className="row actions">
          <label className="inline">
            Training size
            <select value={preset} onChange={(e) => setPreset(e.target.value as typeof preset)}>
              <option value="full">full (the best model, minutes)</option>
              <option value="bootstrap">bootstrap (about half a minute)</option>
              <option value="small">small (seconds, for a quick check)</option>
            </select>
          </label>
          <button type="button" disabled={retrain.isPending} onClick={() => retrain.mutate({ preset })}>
            {retrain.isPending ? 'Starting…' : 'Retrain now'}
          </button>
        </span>
      ) : null}
      {retrain.data ? (
        <>
          {/* A second press while a run is active gets that run back, and says so. */}
          {retrain.data.started ? null : <p>{retrain.data.message}</p>}
          <RunProgress runId={retrain.data.runId} />
        </>
      ) : null}
      {retrain.error ? (
        <p role="alert" className="error">
          {retrain.error.message}
        </p>
      ) : null}
    </aside>
  );
}
