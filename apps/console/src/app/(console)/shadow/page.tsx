import { shadowView } from '@acsa/pipelines/shadow';
import Link from 'next/link';
import { EmptyState } from '@/components/empty-state';
import { pct } from '@/components/format';
import { Moment } from '@/components/moment';
import { PageStatus } from '@/components/page-status';
import { SendToReview } from '@/features/conversations/send-to-review';
import { AliasMove } from '@/features/models/alias-move';
import { requireRole } from '@/server/auth';
import { db } from '@/server/db';

export const metadata = { title: 'Shadow · ACSA console' };

export default async function ShadowPage() {
  await requireRole('ENGINEER');
  const view = await shadowView(db(), { days: 7 });
  return (
    <PageStatus>
      <h1>Shadow</h1>
      <p className="lede">
        A model in the <code>shadow</code> alias scores every customer message after production has answered,
        answering no one. Here: how often it would have answered differently, and who was right where
        reviewers decided. Each disagreement goes to the review inbox by itself (reason: disagreement), so
        reviewers decide who was right; promote the shadow model to production here (or any version from the{' '}
        <Link href="/models">model registry</Link>) if it earns it.
      </p>
      {view.sameAsProduction ? (
        <div className="banner" role="note" data-testid="shadow-is-production">
          <p>
            {view.sameAsProduction.promotedAt ? (
              <>
                The shadow model <strong>{view.sameAsProduction.version}</strong> was promoted to production
                on <Moment at={view.sameAsProduction.promotedAt} />
                {view.sameAsProduction.replaced ? ` (replacing ${view.sameAsProduction.replaced})` : ''}
                {'; production and shadow are now the same model, so there is nothing to compare.'}
              </>
            ) : (
              <>
                The shadow alias points at the production version{' '}
                <strong>{view.sameAsProduction.version}</strong>, so there is nothing to compare.
              </>
            )}{' '}
            Put another version in shadow to compare (<Link href="/models">model registry</Link>, or a retrain
            in shadow mode).
          </p>
        </div>
      ) : null}
      {view.versions.length === 0 ? (
        <EmptyState title="No shadow predictions in the last 7 days">
          Start a retrain in shadow mode (Runs, or acsa retrain --mode shadow), or promote a version to the
          shadow alias; serving scores each turn with it from then on.
        </EmptyState>
      ) : (
        view.versions.map((v) => (
          <section key={v.id} aria-labelledby={`shadow-${v.id}`} data-version={v.version}>
            <h2 id={`shadow-${v.id}`}>
              {v.version}
              {v.inProductionNow ? (
                <span className="badge status-resolved">in production</span>
              ) : v.inShadowNow ? (
                <span className="badge status-resolved">in shadow now</span>
              ) : null}
            </h2>
            {v.inShadowNow ? (
              <p className="row actions">
                <span className="muted">production is {view.aliases.production ?? '(none)'}</span>
                <span>
                  <AliasMove
                    kind="promote"
                    version={v.version}
                    current={view.aliases}
                    alias="production"
                    label="Promote the shadow model…"
                  />
                </span>
              </p>
            ) : null}
            {v.inProductionNow ? (
              <p className="muted">
                These figures compare it with the production it replaced, on messages scored before the
                promotion; messages it answered itself are left out.
              </p>
            ) : null}
            <dl className="kpis">
              <div>
                <dt>Messages scored</dt>
                <dd>{v.n}</dd>
              </div>
              <div>
                <dt>Same intent as production</dt>
                <dd data-testid="agreement">{pct(v.agreement)}</dd>
              </div>
              <div>
                <dt>Right where reviewers decided ({v.reviewed})</dt>
                <dd data-testid="accuracy">
                  {pct(v.shadowAccuracy)}{' '}
                  <span className="muted">vs {pct(v.productionAccuracy)} production</span>
                </dd>
              </div>
              <div>
                <dt>Out of scope · unsure</dt>
                <dd>
                  {pct(v.shadowOutOfScope)} · {pct(v.shadowLowConfidence)}
                  <span className="muted"> (production {pct(v.productionOutOfScope)} out of scope)</span>
                </dd>
              </div>
            </dl>
            {v.pairs.length ? (
              <table>
                <caption>Where they differ most (production → shadow)</caption>
                <thead>
                  <tr>
                    <th scope="col">Production said</th>
                    <th scope="col">Shadow said</th>
                    <th scope="col">Messages</th>
                  </tr>
                </thead>
                <tbody>
                  {v.pairs.map((p) => (
                    <tr key={`${p.production}>${p.shadow}`}>
                      <td>{p.production ?? '—'}</td>
                      <td>{p.shadow}</td>
                      <td>{p.n}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
            {v.disagreements.length ? (
              <details className="card">
                <summary>
                  {v.disagreementTotal > v.disagreements.length
                    ? `Latest disagreements (${v.disagreements.length} of ${v.disagreementTotal})`
                    : `Latest disagreements (${v.disagreements.length})`}
                </summary>
                {v.disagreementTotal > v.disagreements.length ? (
                  <p className="muted" data-testid="disagreements-shown">
                    The latest {v.disagreements.length} of {v.disagreementTotal} disagreements in these 7
                    days. The <Link href="/review?reason=DISAGREEMENT">review inbox</Link> holds those it took
                    as disagreements until they are labeled.
                  </p>
                ) : null}
                <ul className="stack">
                  {v.disagreements.map((d) => (
                    <li key={`${d.conversationId}-${d.at.toISOString()}`}>
                      <Link href={`/conversations/${d.conversationId}`}>“{d.text}”</Link>
                      <div className="muted">
                        production {d.production.intent ?? '—'} ({pct(d.production.confidence)}), shadow{' '}
                        {d.shadow.intent} ({pct(d.shadow.confidence)})
                        {d.reviewed ? `; reviewers: ${d.reviewed}` : ''}
                      </div>
                      {d.review === 'waiting' ? (
                        <span className="muted">in review</span>
                      ) : d.review === 'decided' ? (
                        <span className="muted">reviewed</span>
                      ) : d.review === 'skipped' ? (
                        <span className="muted">skipped in review</span>
                      ) : (
                        <SendToReview messageId={d.messageId} />
                      )}
                    </li>
                  ))}
                </ul>
              </details>
            ) : null}
          </section>
        ))
      )}
    </PageStatus>
  );
}
