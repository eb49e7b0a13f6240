import {
  countExperiments,
  countedAgo,
  DECISION_ALPHA,
  experimentChoices,
  experimentsOverview,
  MIN_DECISION_SESSIONS,
  SEQUENTIAL_TAU,
  type TMetric,
} from '@acsa/pipelines/experiments';
import { EmptyState } from '@/components/empty-state';
import { pct, pp, utc } from '@/components/format';
import { PageStatus } from '@/components/page-status';
import { CreateExperiment } from '@/features/experiments/create-experiment';
import { ExperimentActions } from '@/features/experiments/experiment-actions';
import { METRIC_LABEL, metricWithWinner } from '@/features/experiments/metric-labels';
import { refusedConclusions } from '@/features/experiments/refused-conclusions';
import { VariantIntervalsChart } from '@/features/experiments/variant-intervals-chart';
import { requireRole } from '@/server/auth';
import { db } from '@/server/db';

export const metadata = { title: 'Experiments · ACSA console' };

/** What fills each metric's chart, said while nothing has. */
const EMPTY = {
  escalationRate: 'No sessions yet: the rate appears once the variants answer customers.',
  positiveFeedbackRate:
    'No feedback yet: the rate appears once customers rate conversations this experiment served.',
  accuracy: 'No reviewed turns yet: accuracy appears once reviewers label turns of this experiment.',
} as const satisfies Record<TMetric, string>;
// `nowrap`: a header, a variant's name and a p-value read as one unit; the comparison column wraps.
const p = (x: number) => (x < 0.001 ? '< 0.001' : x.toFixed(3));

/**
 * What the cut list holds: running experiments are listed however old (listExperiments), so with one running
 * the rest are the latest others, not the latest in all.
 */
function shownLine(shown: number, running: number): string {
  if (running === 0) return `The latest ${shown}`;
  const first = running === 1 ? 'The running experiment' : `The ${running} running experiments`;
  const others = shown - running;
  if (others === 0) return first;
  return `${first} and the latest ${others} ${others === 1 ? 'other' : 'others'}`;
}

export default async function ExperimentsPage() {
  await requireRole('ENGINEER');
  const [experiments, total, choices, refused] = await Promise.all([
    experimentsOverview(db()),
    countExperiments(db()),
    experimentChoices(db()),
    refusedConclusions(db()),
  ]);
  const running = experiments.filter((e) => e.experiment.status === 'RUNNING').length;
  return (
    <PageStatus>
      <h1>Experiments</h1>
      <p className="lede">
        A/B tests of a candidate against production, split by session. The automatic check decides on the
        sequential p-value (mixture SPRT, τ = {SEQUENTIAL_TAU}), which stays valid however often you look, at{' '}
        {DECISION_ALPHA} split over every test it makes, once each variant has {MIN_DECISION_SESSIONS}{' '}
        sessions; not on the z-test's. A sample-ratio mismatch means assignment is broken and no difference
        can be trusted.
      </p>
      <CreateExperiment
        production={choices.production?.version ?? null}
        challengers={choices.challengers.map((v) => ({ id: v.id, version: v.version }))}
        running={choices.running}
      />
      {total > experiments.length ? (
        // Each experiment's results are read on every visit: the page keeps to the latest, the CLI has all.
        <p className="muted" data-testid="experiments-shown">
          {shownLine(experiments.length, running)} of {total} experiments:{' '}
          <code>acsa experiments list --limit {total}</code> lists every one, and{' '}
          <code>acsa experiments show NAME</code> gives one's results.
        </p>
      ) : null}
      {experiments.length === 0 ? (
        <EmptyState title="No experiments yet">
          A retrain in experiment mode (Runs, or acsa retrain --mode experiment) starts one when its candidate
          passes the gate.
        </EmptyState>
      ) : (
        experiments.map((e) => {
          const stoppedBy = e.experiment.status === 'STOPPED' ? refused.get(e.experiment.id) : undefined;
          return (
            <section
              key={e.experiment.id}
              aria-labelledby={`exp-${e.experiment.id}`}
              data-experiment={e.experiment.name}
            >
              <h2 id={`exp-${e.experiment.id}`}>
                {e.experiment.name} <span className="badge">{e.experiment.status.toLowerCase()}</span>
              </h2>
              <p className="muted">
                Primary metric: {metricWithWinner(e.metric)}.{' '}
                {e.experiment.stoppedAt
                  ? `Ran ${utc(e.experiment.startedAt)} – ${utc(e.experiment.stoppedAt)}.`
                  : `Running since ${utc(e.experiment.startedAt)}.`}
                {/* Ended: stored counts, recounted daily for late ratings and labels; say how old they are. */}
                {e.countedAt ? (
                  <span data-testid="counted-at" title={utc(e.countedAt)}>
                    {' '}
                    Results {countedAgo(e.countedAt)}.
                  </span>
                ) : null}
                {e.sampleRatio.mismatch ? null : ` Sample ratio fine (p = ${p(e.sampleRatio.pValue)}).`}
              </p>
              {stoppedBy ? (
                <div className="banner alert" role="note" data-testid="stop-reason">
                  Stopped without a winner: {stoppedBy.actor} concluded it at {utc(stoppedBy.at)}, but{' '}
                  {stoppedBy.message}.
                </div>
              ) : null}
              {e.sampleRatio.mismatch ? (
                <p
                  role="alert"
                  className="banner error"
                  data-testid="srm-warning"
                  style={{ background: '#fff8c5', borderColor: '#d4a72c' }}
                >
                  Sample ratio mismatch (p = {p(e.sampleRatio.pValue)}): sessions per variant are{' '}
                  {e.sampleRatio.observed.join(' / ')} against an expected{' '}
                  {e.sampleRatio.expected.map((x) => x.toFixed(0)).join(' / ')}. Assignment is broken: do not
                  trust the differences.
                </p>
              ) : null}
              {/* The check acts on running experiments only; an ended one says how it ended (unless the
                  refused conclusion above already does), or nothing when the audit log has no word of it. */}
              {e.decision ? (
                <p data-testid="decision">
                  <strong>Automatic check:</strong> {e.decision.verdict}
                  {e.decision.detail ? <span className="muted"> ({e.decision.detail})</span> : null}
                </p>
              ) : e.ending && !stoppedBy ? (
                <p data-testid="ending">{e.ending}</p>
              ) : null}
              <table>
                <thead>
                  <tr>
                    <th scope="col">Variant</th>
                    <th scope="col">Sessions · turns</th>
                    <th scope="col">{METRIC_LABEL.escalationRate}</th>
                    <th scope="col">{METRIC_LABEL.positiveFeedbackRate}</th>
                    <th scope="col">{METRIC_LABEL.accuracy}</th>
                    <th scope="col">vs control on the primary metric</th>
                    <th scope="col" className="nowrap" title="Always-valid p-value on the primary metric">
                      Sequential p
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {e.variants.map((v) => {
                    const cmp = v.vsControl?.[e.metric] ?? null;
                    return (
                      <tr key={v.id} data-variant={v.name}>
                        <th scope="row" className="nowrap">
                          {v.name}
                          {e.experiment.winnerVariantId === v.id ? (
                            <span className="badge status-resolved">winner</span>
                          ) : null}
                          <div className="muted">
                            {v.version} · {(v.weight * 100).toFixed(0)} %
                          </div>
                        </th>
                        <td>
                          {v.sessions} · {v.turns}
                        </td>
                        <td>{pct(v.escalationRate.rate)}</td>
                        <td>{pct(v.positiveFeedbackRate.rate)}</td>
                        <td>{pct(v.accuracy.rate)}</td>
                        <td>
                          {v.name === e.control ? (
                            'control'
                          ) : cmp ? (
                            // The difference and its interval each read as one unit: broken, "−5.1" and "pp]"
                            // would sit on two lines.
                            <>
                              <span className="nowrap">{pp(cmp.diff).text}</span>{' '}
                              <span className="nowrap">
                                [{pp(cmp.interval[0]).text}, {pp(cmp.interval[1]).text}]
                              </span>
                              , <span className="nowrap">z-test p {p(cmp.pValue)}</span>
                            </>
                          ) : (
                            'no data yet'
                          )}
                        </td>
                        <td data-testid={`sequential-${v.name}`} className="nowrap">
                          {/* A detail: whether it is enough, and which way, is the automatic check's line above. */}
                          {v.sequential ? p(v.sequential.pValue) : '—'}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
              {/* Apart from the table as blocks are on every page (16 px, globals' table + table). */}
              <div className="charts" style={{ marginTop: 16 }}>
                {(Object.keys(METRIC_LABEL) as TMetric[]).map((m) => (
                  <VariantIntervalsChart
                    key={m}
                    title={METRIC_LABEL[m]}
                    empty={EMPTY[m]}
                    points={e.variants.map((v) => ({
                      variant: v.name,
                      rate: v[m].rate,
                      interval: v.intervals[m],
                    }))}
                  />
                ))}
              </div>
              <ExperimentActions
                experimentId={e.experiment.id}
                name={e.experiment.name}
                status={e.experiment.status}
                variants={e.variants.map((v) => v.name)}
              />
            </section>
          );
        })
      )}
    </PageStatus>
  );
}
