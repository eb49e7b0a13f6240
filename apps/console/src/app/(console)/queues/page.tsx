import { QUEUES } from '@acsa/pipelines';
import { listDeadLetters, queueCounts } from '@acsa/pipelines/dead-letters';
import { EmptyState } from '@/components/empty-state';
import { plural, utc } from '@/components/format';
import { PageStatus } from '@/components/page-status';
import { ReplayButton } from '@/features/queues/replay-button';
import { ReplaySelected } from '@/features/queues/replay-selected';
import { ThroughputCell } from '@/features/queues/throughput-cell';
import { requireRole } from '@/server/auth';
import { queueDeps } from '@/server/queues';

export const metadata = { title: 'Queues · ACSA console' };

const WHAT: Record<string, string> = {
  [QUEUES.interactions]: 'chat turns from serving, for analytics and drift',
  [QUEUES.retrain]: 'retraining steps: snapshot, gate, register, promote',
  [QUEUES.retrainCpu]: 'retraining steps: train, evaluate',
  [QUEUES.retrainTriggers]: 'label-count checks and scheduled retrains',
  [QUEUES.deadLetters]: 'jobs that exhausted their retries',
};

/** Dead letters the page lists, latest first. */
const SHOWN = 100;

async function read(q: string) {
  const deps = queueDeps();
  try {
    // One past the page says whether a search matched more than it shows.
    const [queues, found] = await Promise.all([
      queueCounts(deps),
      listDeadLetters(deps, { limit: SHOWN + 1, q }),
    ]);
    // Every letter, as the listing reads them (no worker ever takes one).
    const dead = queues.find((x) => x.name === QUEUES.deadLetters)?.counts;
    const total = dead ? dead.waiting + dead.prioritized + dead.delayed : 0;
    return { ok: true as const, queues, letters: found.slice(0, SHOWN), more: found.length > SHOWN, total };
  } catch (e) {
    return { ok: false as const, error: (e as Error).message };
  }
}

type TProps = { searchParams: Promise<{ q?: string | string[] }> };

export default async function QueuesPage({ searchParams }: TProps) {
  await requireRole('ENGINEER');
  const asked = (await searchParams).q;
  const q = (typeof asked === 'string' ? asked : '').trim().slice(0, 200);
  const data = await read(q);
  return (
    <PageStatus>
      <h1>Queues and dead letters</h1>
      <p className="lede">
        What the trainer has to do, is doing and gave up on. A job that exhausts its retries becomes a dead
        letter with its error and payload (emails, phones and card numbers masked here); replay runs it again.
        Finished jobs are kept in Redis only for a while (interaction events: the last 100), so the kept
        counts can be lower than the last hour's throughput.
      </p>
      {!data.ok ? (
        <EmptyState title="Redis did not answer">
          {data.error}. The queues live in Redis: check that it runs (redis-server --daemonize yes) and that
          the console reaches it at REDIS_URL, then{' '}
          <a href={q ? `/queues?q=${encodeURIComponent(q)}` : '/queues'}>try again</a>.
        </EmptyState>
      ) : (
        <>
          <section aria-labelledby="queues">
            <h2 id="queues">Queues</h2>
            <table>
              <thead>
                <tr>
                  <th scope="col">Queue</th>
                  <th scope="col">Waiting</th>
                  <th scope="col">Active</th>
                  <th scope="col">Delayed</th>
                  <th scope="col">Waiting for a step</th>
                  <th scope="col">Failed, kept</th>
                  <th scope="col">Completed, kept</th>
                  <th scope="col">Throughput, last hour</th>
                </tr>
              </thead>
              <tbody>
                {data.queues.map((q) => (
                  <tr key={q.name} data-queue={q.name}>
                    <th scope="row">
                      {q.name}
                      {q.paused ? <span className="badge status-assigned">paused</span> : null}
                      <div className="muted">{WHAT[q.name] ?? 'drift checks, hourly'}</div>
                    </th>
                    <td>{q.counts.waiting + q.counts.prioritized}</td>
                    <td>{q.counts.active}</td>
                    <td>{q.counts.delayed}</td>
                    <td>{q.counts['waiting-children']}</td>
                    <td>{q.counts.failed}</td>
                    <td>{q.counts.completed}</td>
                    <ThroughputCell t={q.throughput} />
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section aria-labelledby="letters" className="stack">
            <h2 id="letters">Dead letters</h2>
            <search>
              <form action="/queues" className="row">
                <label className="grow">
                  Job id or run id
                  <input
                    type="search"
                    name="q"
                    defaultValue={q}
                    maxLength={200}
                    placeholder="sync-10042, a run's id…"
                  />
                </label>
                <button type="submit" className="secondary">
                  Search
                </button>
              </form>
            </search>
            {data.letters.length === 0 ? (
              q ? (
                <EmptyState title={`No dead letters match “${q}”`}>
                  The search looks at each letter's id, its job's id and its retraining run's id.
                </EmptyState>
              ) : (
                <EmptyState title="No dead letters">
                  Every job either succeeded or is still being retried.
                </EmptyState>
              )
            ) : (
              <form id="dead-letters" className="stack">
                {q && data.more ? (
                  <p className="muted" data-testid="letters-shown">
                    The latest {SHOWN} of more than {SHOWN} that match: a whole job or run id narrows it.
                  </p>
                ) : !q && data.total > data.letters.length ? (
                  <p className="muted" data-testid="letters-shown">
                    The latest {data.letters.length} of {data.total} dead letters: search a job or run id to
                    find an older one.
                  </p>
                ) : null}
                {/* Centred: "Select all shown" is a line high, its button taller. */}
                <div className="row actions" style={{ alignItems: 'center' }}>
                  <ReplaySelected
                    formId="dead-letters"
                    letters={data.letters.map((l) => ({
                      id: l.id,
                      name: l.name,
                      queue: l.queue,
                      jobId: l.jobId,
                    }))}
                  />
                </div>
                <ul className="stack">
                  {data.letters.map((l) => (
                    <li key={l.id} className="card" data-letter={l.id}>
                      {/* Top-aligned: the box sits on the letter's first line, its name, not between lines. */}
                      <div className="row top">
                        <input
                          type="checkbox"
                          name="letter"
                          value={l.id}
                          aria-label={`Select dead letter ${l.id}`}
                        />
                        <div className="grow">
                          <strong>{l.name}</strong> on {l.queue} <span className="muted">job {l.jobId}</span>
                          <div className="muted">
                            failed {utc(l.failedAt, 'second')} after {plural(l.attemptsMade, 'attempt')}
                          </div>
                        </div>
                        <ReplayButton
                          id={l.id}
                          job={{ name: l.name, queue: l.queue, jobId: l.jobId, error: l.error }}
                        />
                      </div>
                      <p className="error">{l.error}</p>
                      <details>
                        <summary>Payload</summary>
                        <pre className="payload">{JSON.stringify(l.data, null, 2)}</pre>
                      </details>
                    </li>
                  ))}
                </ul>
              </form>
            )}
          </section>
        </>
      )}
    </PageStatus>
  );
}
