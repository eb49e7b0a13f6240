import { listRuns } from '@acsa/pipelines/runs';
import Link from 'next/link';
import { EmptyState } from '@/components/empty-state';
import { shortId } from '@/components/format';
import { Moment } from '@/components/moment';
import { cancelNote } from '@/features/runs/run-summary';
import css from '@/features/runs/runs-table.module.css';
import { StartRun } from '@/features/runs/start-run';
import { requireRole } from '@/server/auth';
import { db } from '@/server/db';

export const metadata = { title: 'Training runs · ACSA console' };

export default async function RunsPage() {
  await requireRole('ENGINEER');
  const runs = await listRuns(db());
  return (
    <>
      <h1>Training runs</h1>
      <p className="lede">
        Every retraining run, whatever started it (this page, the datasets page, new labels, a drift alert,
        the schedule, <code>acsa retrain</code>). One runs at a time: starting another while one is active
        opens that one.
      </p>
      <StartRun />
      {runs.length === 0 ? (
        <EmptyState title="No run yet">
          Start one above; the trainer (started by npm start) takes it within seconds.
        </EmptyState>
      ) : (
        <table>
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
            {runs.map((r) => (
              <tr key={r.id}>
                <td>
                  <Link href={`/runs/${r.id}`}>{shortId(r.id)}</Link>
                </td>
                <td>
                  {r.status.toLowerCase()}
                  {r.status === 'RUNNING' || r.status === 'QUEUED' ? (
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
      )}
    </>
  );
}
