import { overview } from '@acsa/pipelines/analytics';
import Link from 'next/link';
import { EmptyState } from '@/components/empty-state';
import { clock, hourLabel, pct, utc } from '@/components/format';
import { breachesText } from '@/features/drift/drift-metric-names';
import { OverviewCharts } from '@/features/overview/overview-charts';
import { requireRole } from '@/server/auth';
import { db } from '@/server/db';

export const metadata = { title: 'Overview · ACSA console' };

const WINDOWS = [
  { hours: 24, label: 'Last 24 hours' },
  { hours: 72, label: '3 days' },
  { hours: 168, label: '7 days' },
] as const;

export default async function OverviewPage({ searchParams }: { searchParams: Promise<{ hours?: string }> }) {
  await requireRole('ENGINEER');
  const asked = Number((await searchParams).hours);
  const hours = WINDOWS.find((w) => w.hours === asked)?.hours ?? 24;
  const o = await overview(db(), { hours });
  const hourly = o.hourly.map((h) => ({
    // With the day, always: a 24-hour window starts and ends at the same clock time.
    label: hourLabel(h.hour),
    turns: h.turns,
    escalationRate: h.escalationRate,
    lowConfidenceRate: h.lowConfidenceRate,
    csat: h.csat,
  }));
  return (
    <>
      <h1>Overview</h1>
      <p className="lede">
        How the agent is doing: what customers asked, how often it handed over or was unsure, what they
        thought of it, and how fast it answered. Hours are UTC; counts come from the trainer's analytics, a
        minute or so behind.
      </p>
      <nav aria-label="Time window" className="tabs">
        {WINDOWS.map((w) => (
          <Link
            key={w.hours}
            href={`/overview?hours=${w.hours}`}
            className="tab"
            aria-current={w.hours === hours ? 'page' : undefined}
          >
            {w.label}
          </Link>
        ))}
      </nav>

      <section aria-labelledby="alerts">
        <h2 id="alerts">Open alerts</h2>
        {o.alerts.length === 0 ? (
          <p className="muted" data-testid="no-alerts">
            No drift alert since {utc(o.from)}.
          </p>
        ) : (
          <>
            {o.alertTotal > o.alerts.length ? (
              <p className="muted" data-testid="alerts-shown">
                The latest {o.alerts.length} of {o.alertTotal} alerts: <Link href="/drift">Drift</Link> lists
                the drift windows, alerts marked.
              </p>
            ) : null}
            <ul className="stack">
              {o.alerts.map((a) => (
                <li key={a.id} className="alert">
                  <strong>Drift on {a.version}</strong> in {utc(a.window.start)} – {clock(a.window.end)} (
                  {a.window.n} turns): {breachesText(a.breaches, 'thresholds crossed')}.{' '}
                  <Link href={`/drift?window=${a.id}`}>Open this window in Drift</Link>: what moved, and a
                  retrain from the alert.
                </li>
              ))}
            </ul>
          </>
        )}
      </section>

      <section aria-labelledby="totals">
        <h2 id="totals">Since {utc(o.from)}</h2>
        <dl className="kpis">
          <div>
            <dt>Customer turns</dt>
            <dd data-testid="kpi-turns">{o.totals.turns}</dd>
          </div>
          <div>
            <dt>Escalated</dt>
            <dd data-testid="kpi-escalation">{pct(o.totals.escalationRate)}</dd>
          </div>
          <div>
            <dt>Low confidence</dt>
            <dd data-testid="kpi-low-confidence">{pct(o.totals.lowConfidenceRate)}</dd>
          </div>
          <div>
            <dt>CSAT</dt>
            <dd data-testid="kpi-csat">
              {o.totals.csat === null ? '—' : `${o.totals.csat.toFixed(2)} / 5`}
              <span className="muted"> ({o.totals.rated} rated)</span>
            </dd>
          </div>
        </dl>
      </section>

      {o.totals.turns === 0 && o.latency.length === 0 ? (
        <EmptyState title="No customer turns in this window">
          Charts appear once the storefront's chat reaches serving and the trainer's analytics worker counts
          the turns.
        </EmptyState>
      ) : (
        <>
          <OverviewCharts hourly={hourly} latency={o.latency} />
          <details className="card">
            <summary>The numbers behind the charts</summary>
            <table>
              <caption>Per hour (UTC)</caption>
              <thead>
                <tr>
                  <th scope="col">Hour</th>
                  <th scope="col">Turns</th>
                  <th scope="col">Escalated</th>
                  <th scope="col">Low confidence</th>
                  <th scope="col">CSAT</th>
                </tr>
              </thead>
              <tbody>
                {o.hourly
                  .filter((h) => h.turns || h.csat !== null)
                  .map((h) => (
                    <tr key={h.hour.toISOString()}>
                      <td>{utc(h.hour)}</td>
                      <td>{h.turns}</td>
                      <td>{pct(h.escalationRate)}</td>
                      <td>{pct(h.lowConfidenceRate)}</td>
                      <td>{h.csat === null ? '—' : h.csat.toFixed(2)}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
            <table>
              <caption>Latency per model version</caption>
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col">Turns</th>
                  <th scope="col">p50</th>
                  <th scope="col">p95</th>
                </tr>
              </thead>
              <tbody>
                {o.latency.map((l) => (
                  <tr key={l.version}>
                    <td>{l.version}</td>
                    <td>{l.turns}</td>
                    <td>{l.p50Ms.toFixed(1)} ms</td>
                    <td>{l.p95Ms.toFixed(1)} ms</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </>
  );
}
