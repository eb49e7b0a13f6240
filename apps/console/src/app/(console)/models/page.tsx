import { registryView } from '@acsa/pipelines/registry';
import Link from 'next/link';
import { EmptyState } from '@/components/empty-state';
import { mb, pct, shortId, utc } from '@/components/format';
import { PageStatus } from '@/components/page-status';
import { AliasMove } from '@/features/models/alias-move';
import { CompareForm } from '@/features/models/compare-form';
import css from '@/features/models/models.module.css';
import { ServingReplicas } from '@/features/models/serving-replicas';
import { requireRole } from '@/server/auth';
import { db } from '@/server/db';

export const metadata = { title: 'Models · ACSA console' };

export default async function ModelsPage() {
  await requireRole('ENGINEER');
  const view = await registryView(db());
  if (view.versions.length === 0)
    return (
      <>
        <h1>Model registry</h1>
        <EmptyState title="No model versions registered yet">
          npm start trains and registers the first on a new database; a retrain whose candidate passes the
          gate registers the next.
        </EmptyState>
      </>
    );
  const at = (name: string) => view.aliases.find((a) => a.name === name)?.version ?? null;
  const current = { production: at('production'), shadow: at('shadow') };
  const newestOther = view.versions.find((v) => v.version !== current.production)?.version ?? null;
  return (
    <PageStatus>
      <h1>Model registry</h1>
      <p className="lede">
        Every registered version (immutable), the aliases serving answers with, and every move of them: who,
        when, why. Promote and roll back here or with <code>acsa models</code>; both make the same recorded
        move.
      </p>

      <section aria-labelledby="aliases">
        <h2 id="aliases">Aliases</h2>
        {view.aliases.length === 0 ? (
          <EmptyState title="No alias points at a version">
            Promote a version to production below and serving starts answering with it.
          </EmptyState>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Alias</th>
                <th scope="col">Version</th>
                <th scope="col">Since</th>
                <th scope="col">Roll back</th>
              </tr>
            </thead>
            <tbody>
              {view.aliases.map((a) => (
                <tr key={a.name}>
                  <th scope="row">{a.name}</th>
                  <td>{a.version}</td>
                  <td>{utc(a.since)}</td>
                  <td>
                    {a.rollbackTo && (a.name === 'production' || a.name === 'shadow') ? (
                      <>
                        <span className="muted">to {a.rollbackTo} </span>
                        <AliasMove kind="rollback" alias={a.name} from={a.version} to={a.rollbackTo} />
                      </>
                    ) : (
                      <span className="muted">
                        {a.name.startsWith('experiment:')
                          ? 'moves with its experiment'
                          : 'no earlier version'}
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="replicas">
        <h2 id="replicas">Serving replicas</h2>
        <p className="muted">
          What each serving worker reports it answers with, every few seconds; a move reaches them within a
          second when announced, else on their next registry poll.
        </p>
        <ServingReplicas
          shownProduction={view.aliases.find((a) => a.name === 'production')?.version ?? null}
        />
      </section>

      <section aria-labelledby="compare">
        <h2 id="compare">Compare two versions</h2>
        <CompareForm
          versions={view.versions.map((v) => v.version)}
          base={current.production ?? view.versions[1]?.version ?? null}
          candidate={newestOther}
        />
      </section>

      <section aria-labelledby="versions">
        <h2 id="versions">Versions</h2>
        <table className={css.versions}>
          {view.totals.versions > view.versions.length ? (
            <caption className="muted" data-testid="versions-shown">
              The latest {view.versions.length} of {view.totals.versions} versions:{' '}
              <code>acsa models list --limit {view.totals.versions}</code> lists every one.
            </caption>
          ) : null}
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Created</th>
              <th scope="col">Size</th>
              <th scope="col" className="nowrap" title="Dev accuracy · macro-F1 · out-of-scope recall">
                Dev: acc · F1 · OOS recall
              </th>
              <th scope="col" className="nowrap" title="Test accuracy (the gate run's frozen test rows)">
                Test acc
              </th>
              <th scope="col">Lineage</th>
              <th scope="col">Move</th>
            </tr>
          </thead>
          <tbody>
            {view.versions.map((v) => (
              <tr key={v.id} data-version={v.version}>
                <td>
                  {v.version}
                  {v.aliases.map((a) => (
                    <span key={a} className="badge">
                      {a}
                    </span>
                  ))}
                  <br />
                  <span className="muted">{v.kind}</span>
                </td>
                <td className="nowrap">{utc(v.createdAt)}</td>
                <td className="nowrap">{mb(v.sizeBytes)}</td>
                <td className="nowrap">
                  {pct(v.dev.accuracy)} · {pct(v.dev.macroF1)} · {pct(v.dev.oosRecall)}
                </td>
                <td className="nowrap">
                  {v.testAccuracy === null ? <span className="muted">no gate run</span> : pct(v.testAccuracy)}
                </td>
                <td className="lineage">
                  {v.dataset ?? 'no dataset recorded'}
                  <br />
                  <span className="muted">
                    {v.parent ? `from ${v.parent}` : 'no parent'}
                    {v.run ? `; ${v.run.trigger.toLowerCase()} run ${shortId(v.run.id)}` : ''}
                  </span>
                </td>
                <td className="nowrap">
                  {current.production === v.version ? (
                    <span className="badge status-resolved">in production</span>
                  ) : (
                    <AliasMove kind="promote" version={v.version} current={current} />
                  )}
                  {current.production && current.production !== v.version ? (
                    <>
                      <br />
                      <Link
                        href={`/models/compare?base=${encodeURIComponent(current.production)}&candidate=${encodeURIComponent(v.version)}`}
                      >
                        vs production
                      </Link>
                    </>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section aria-labelledby="history">
        <h2 id="history">Alias history</h2>
        {view.history.length === 0 ? (
          <EmptyState title="No alias has moved yet">
            Each promotion and rollback will be listed here.
          </EmptyState>
        ) : (
          <>
            {view.totals.history > view.history.length ? (
              <p className="muted" data-testid="history-shown">
                The latest {view.history.length} of {view.totals.history} moves.
              </p>
            ) : null}
            <ol className="timeline">
              {view.history.map((h) => (
                <li key={h.id} className={`move-${h.kind.toLowerCase()}`}>
                  <time dateTime={h.at.toISOString()}>{utc(h.at)}</time> <strong>{h.alias}</strong>{' '}
                  {h.kind.toLowerCase()}: {h.from ?? '(none)'} → {h.to ?? '(none)'}{' '}
                  <span className="muted">by {h.actor}</span>
                  {h.reason ? <q>{h.reason}</q> : null}
                </li>
              ))}
            </ol>
          </>
        )}
      </section>
    </PageStatus>
  );
}
