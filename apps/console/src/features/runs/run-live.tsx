'use client';
import type { TRunLog, TRunState } from '@acsa/pipelines/runs';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { clock, pct, utc } from '@/components/format';
import { useTRPC } from '@/components/trpc';
import { OtherRunActive } from './other-run-active';
import { cancelNote, progressNote, snapshotSummary, stepLabel, stepNote } from './run-summary';

type TRunPart = Omit<TRunState, 'logs'>;
const ACTIVE = ['QUEUED', 'RUNNING'];

/**
 * One run, live: the page draws it as it was, then a server-sent event stream (/api/runs/ID/events) sends
 * each change of the run and its steps and every new log line until the run ends (a cancelled run's, once
 * its trainer has stopped the step it was in). It can be cancelled at any moment while it is active.
 */
export function RunLive({ initial }: { initial: TRunState }) {
  const { logs: initialLogs, ...initialRun } = initial;
  const [state, setState] = useState<TRunPart>(initialRun);
  const [logs, setLogs] = useState<TRunLog[]>(initialLogs);
  const [live, setLive] = useState(false);
  const active = ACTIVE.includes(state.run.status);

  useEffect(() => {
    if (!ACTIVE.includes(initialRun.run.status)) return;
    const source = new EventSource(`/api/runs/${initialRun.run.id}/events`);
    source.onopen = () => setLive(true);
    source.addEventListener('run', (e) => setState(JSON.parse((e as MessageEvent).data)));
    source.addEventListener('log', (e) => {
      const fresh = JSON.parse((e as MessageEvent).data) as TRunLog[];
      setLogs((old) => [...old, ...fresh.filter((l) => l.id > (old[old.length - 1]?.id ?? 0))]);
    });
    const stop = () => {
      source.close();
      setLive(false);
    };
    source.addEventListener('end', stop);
    source.addEventListener('gone', stop);
    source.onerror = () => setLive(false);
    return stop;
  }, [initialRun.run.id, initialRun.run.status]);

  const { run, steps } = state;
  // Cancelled in the middle of a step: the trainer is stopping it, and the stream shows it stopped.
  const stopping = active ? null : (steps.find((s) => s.status === 'RUNNING')?.name ?? null);
  const cancelled = cancelNote(run);
  const where = active ? progressNote(steps) : null;
  return (
    <>
      <section aria-labelledby="status" className="card">
        <h2 id="status">
          <span data-testid="run-status">{run.status.toLowerCase()}</span>
          {stopping ? <span data-testid="run-stopping"> — stopping {stopping}…</span> : null}
          {live ? <span className="badge status-assigned">live</span> : null}
        </h2>
        <progress max={100} value={run.progress} aria-label="Run progress" data-testid="run-progress">
          {Math.round(run.progress)} %
        </progress>{' '}
        <span data-testid="run-progress-text">
          {Math.round(run.progress)} %{where ? <span className="muted"> — {where}</span> : null}
        </span>
        <dl className="facts">
          <dt>Started by</dt>
          <dd>
            {run.trigger.toLowerCase()}
            {run.requestedBy ? ` (${run.requestedBy})` : ''}; promotion {run.mode.toLowerCase()}, training
            size {run.preset ?? '—'}
          </dd>
          <dt>Snapshot</dt>
          <dd data-testid="run-snapshot">{snapshotSummary(run, steps)}</dd>
          <dt>Gate</dt>
          <dd data-testid="run-gate">
            {run.gate
              ? `${run.gate.passed ? 'passed' : 'refused'}: accuracy ${pct(run.gate.candidate.accuracy)}${
                  run.gate.production ? ` vs ${pct(run.gate.production.accuracy)} in production` : ''
                }${run.gate.reasons.length ? ` — ${run.gate.reasons.join('; ')}` : ''}`
              : active
                ? 'not decided yet'
                : `not reached: the run ${run.status === 'CANCELLED' ? 'was cancelled' : run.status.toLowerCase()} before it`}
          </dd>
          <dt>Candidate</dt>
          <dd>{run.candidate ?? '—'}</dd>
          {cancelled ? (
            <>
              <dt>Cancelled</dt>
              <dd data-testid="run-cancelled">{cancelled}</dd>
            </>
          ) : run.error ? (
            <>
              <dt>Error</dt>
              <dd className="error">{run.error}</dd>
            </>
          ) : null}
        </dl>
        <RunControls runId={run.id} active={active} />
      </section>

      <section aria-labelledby="steps">
        <h2 id="steps">Steps</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Step</th>
              <th scope="col">Status</th>
              <th scope="col">Progress</th>
              <th scope="col">Attempts</th>
              <th scope="col">Started (UTC)</th>
              <th scope="col">Finished (UTC)</th>
            </tr>
          </thead>
          <tbody>
            {steps.map((s) => {
              const note = stepNote(s, run.status);
              return (
                <tr key={s.name} data-step={s.name}>
                  <th scope="row">{s.name}</th>
                  <td>
                    {stepLabel(s, run.status)}
                    {note ? (
                      // A step stopped by a cancel did not fail: its note is not an error.
                      <div className={run.status === 'CANCELLED' ? 'muted' : 'error'}>{note}</div>
                    ) : null}
                  </td>
                  <td>{Math.round(s.progress)} %</td>
                  <td>{s.attempts}</td>
                  <td>
                    <Moment at={s.startedAt} />
                  </td>
                  <td>
                    <Moment at={s.finishedAt} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>

      <section aria-labelledby="log">
        <h2 id="log">Log (UTC)</h2>
        <div role="log" aria-labelledby="log">
          <ol className="run-log">
            {logs.map((l) => (
              <li key={l.id} className={`level-${l.level}`}>
                <Moment at={l.at} /> {l.step ? <strong>{l.step}</strong> : null} {l.message}
              </li>
            ))}
          </ol>
        </div>
      </section>
    </>
  );
}

function RunControls({ runId, active }: { runId: string; active: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [reason, setReason] = useState('');
  const cancel = useMutation(trpc.runs.cancel.mutationOptions());
  // While another run is active no replay starts (OtherRunActive).
  const [other, setOther] = useState<{ runId: string; message: string } | null>(null);
  const replay = useMutation(
    trpc.runs.replay.mutationOptions({
      onMutate: () => setOther(null),
      onSuccess: (r) =>
        r.started ? router.push(`/runs/${r.runId}`) : setOther({ runId: r.runId, message: r.message }),
    }),
  );
  const error = cancel.error ?? replay.error;
  const ready = reason.trim().length >= 3;
  const hintId = `why-cancel-${runId}`;
  return (
    <div className="row actions">
      {active ? (
        <form
          className="row actions"
          onSubmit={(e) => {
            e.preventDefault();
            cancel.mutate({ runId, reason });
          }}
        >
          <label>
            Why cancel
            <input
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              minLength={3}
              maxLength={500}
              required
              placeholder="3 characters or more"
              aria-describedby={ready ? undefined : hintId}
            />
            {ready ? null : (
              <small id={hintId} className="hint">
                Cancel run waits for a reason.
              </small>
            )}
          </label>
          <button type="submit" className="secondary" disabled={cancel.isPending || !ready}>
            Cancel run
          </button>
        </form>
      ) : (
        <button type="button" onClick={() => replay.mutate({ runId })} disabled={replay.isPending}>
          {replay.isPending ? 'Starting…' : 'Replay with the same configuration'}
        </button>
      )}
      {other ? <OtherRunActive what="Not replayed" other={other} testId="replay-not-started" /> : null}
      {error ? (
        <p role="alert" className="error">
          {error.message}
        </p>
      ) : null}
    </div>
  );
}

/** A time of day in UTC, to the second, carrying its full moment (a tooltip, and for machines). */
function Moment({ at }: { at: Date | string | null | undefined }) {
  if (at == null) return <>—</>;
  return (
    <time dateTime={new Date(at).toISOString()} title={utc(at, 'second')}>
      {clock(at, 'second')}
    </time>
  );
}
