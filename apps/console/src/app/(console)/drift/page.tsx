import { isUuid } from '@acsa/core/ids';
import { driftView, driftWindow } from '@acsa/pipelines/analytics';
import Link from 'next/link';
import { EmptyState } from '@/components/empty-state';
import { pct, plural, utc } from '@/components/format';
import { DriftChart, DriftKsChart } from '@/features/drift/drift-chart';
import { breachedMeasures, breachesText } from '@/features/drift/drift-metric-names';
import { ksPoints, psiPoints } from '@/features/drift/drift-points';
import { DriftWindowPanel } from '@/features/drift/drift-window-panel';
import { requireRole } from '@/server/auth';
import { db } from '@/server/db';

export const metadata = { title: 'Drift · ACSA console' };

const f3 = (x: number) => x.toFixed(3);
// `nowrap` cells: a figure pair or a date broken over lines reads as two rows; the breaches column wraps.

type TProps = { searchParams: Promise<{ window?: string | string[] }> };

export default async function DriftPage({ searchParams }: TProps) {
  await requireRole('ENGINEER');
  const asked = (await searchParams).window;
  const view = await driftView(db(), { days: 7 });
  const t = view.thresholds;
  // The window shown in detail: the one asked for, else the newest that alerted, else the newest.
  const windows = view.versions
    .flatMap((v) => v.windows)
    .sort((a, b) => b.start.getTime() - a.start.getTime());
  const chosenId =
    typeof asked === 'string' && isUuid(asked) ? asked : (windows.find((w) => w.alert) ?? windows[0])?.id;
  const chosen = chosenId ? await driftWindow(db(), chosenId) : null;
  return (
    <>
      <h1>Drift</h1>
      <p className="lede">
        Each hour the trainer compares live traffic with the statistics each model kept from its dev rows: the
        intents people ask for, the model's confidence, message length and unknown words, for every version an
        alias points at (production, the shadow, experiment variants). Thresholds: PSI {t.intentPsi} (intents,
        confidence, length), Jensen–Shannon {t.intentJs} bits, Kolmogorov–Smirnov D {t.confidenceKs}{' '}
        (confidence, length) and significant at p {t.falseAlarmP}, unknown words +
        {t.unknownTokenRateIncrease * 100} points, at least {t.minMessages} messages; small windows get higher
        thresholds so sampling noise does not alert.
      </p>
      {view.versions.length === 0 ? (
        <EmptyState title="No drift window in the last 7 days">
          The trainer reports one per model version and hour once serving has answered with it.
        </EmptyState>
      ) : (
        <>
          {view.total > view.shown ? (
            <p className="muted" data-testid="drift-windows-shown">
              The latest {view.shown} of {view.total} drift windows in the last 7 days: older windows, and
              versions with only older ones, are left out.
            </p>
          ) : null}
          {chosen ? (
            <DriftWindowPanel w={chosen} />
          ) : (
            <p role="alert" className="error">
              No such drift window. Choose one in a version's table below.
            </p>
          )}
          {view.versions.map((v) => (
            <section key={v.id} aria-labelledby={`drift-${v.id}`} data-version={v.version}>
              <h2 id={`drift-${v.id}`}>
                {v.version}{' '}
                {v.aliases.length ? <span className="muted">({v.aliases.join(', ')})</span> : null}{' '}
                <span className={`badge ${v.alerts ? 'status-assigned' : 'status-resolved'}`}>
                  {v.alerts ? plural(v.alerts, 'alert') : 'no alert'}
                </span>
              </h2>
              <div className="charts">
                <DriftChart points={psiPoints(v.hourly)} />
                <DriftKsChart points={ksPoints(v.hourly)} />
              </div>
              <details className="card" open={v.windows.some((w) => w.id === chosen?.id) || undefined}>
                <summary>Every window ({v.windows.length})</summary>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Window</th>
                      <th scope="col">Messages</th>
                      <th scope="col">Intent PSI · JS</th>
                      <th scope="col">Confidence PSI · KS</th>
                      <th scope="col">Length PSI · KS</th>
                      <th scope="col">Unknown words</th>
                      <th scope="col">Alert</th>
                    </tr>
                  </thead>
                  <tbody>
                    {[...v.windows].reverse().map((w) => (
                      <tr
                        key={w.id}
                        className={w.alert ? 'user-row' : undefined}
                        aria-current={w.id === chosen?.id ? 'true' : undefined}
                        style={w.id === chosen?.id ? { fontWeight: 600 } : undefined}
                      >
                        <td className="nowrap">
                          <Link href={`/drift?window=${w.id}`}>{utc(w.start)}</Link>
                        </td>
                        <td>{w.n}</td>
                        <td className="nowrap">
                          {f3(w.intentPsi)} · {f3(w.intentJs)}
                        </td>
                        <td className="nowrap">
                          {f3(w.confidencePsi)} · {w.confidenceKs === null ? '—' : f3(w.confidenceKs)}
                        </td>
                        <td className="nowrap">
                          {f3(w.lengthPsi)} · {w.lengthKs === null ? '—' : f3(w.lengthKs)}
                        </td>
                        <td>{pct(w.unknownTokenRate)}</td>
                        <td style={{ fontWeight: 400 }}>
                          {w.alert ? (
                            // Names only, so an alert row stays one line; the figures are on hover and in
                            // the window's panel (its link above).
                            <span title={breachesText(w.breaches, 'thresholds crossed')}>
                              {breachedMeasures(w.breaches) || 'yes'}
                            </span>
                          ) : (
                            '—'
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </details>
            </section>
          ))}
        </>
      )}
    </>
  );
}
