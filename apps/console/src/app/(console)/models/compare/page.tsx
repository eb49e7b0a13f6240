import { isAppError } from '@acsa/core/errors';
import { compareModels, listModels, RegistryError } from '@acsa/pipelines/registry';
import Link from 'next/link';
import { EmptyState } from '@/components/empty-state';
import { mb, pct } from '@/components/format';
import { CompareForm } from '@/features/models/compare-form';
import { Delta } from '@/features/models/delta';
import css from '@/features/models/models.module.css';
import { requireRole } from '@/server/auth';
import { db } from '@/server/db';

export const metadata = { title: 'Compare models · ACSA console' };

const METRIC = { accuracy: 'Accuracy', macroF1: 'Macro-F1', oosRecall: 'Out-of-scope recall' } as const;

const BASIS = {
  'same-test-rows':
    'Both measured by one run on the same frozen test rows: the candidate and the production it was judged against.',
  'own-test-rows':
    "Each measured by its own run's evaluation on that run's frozen test rows; the test split is frozen across runs, so the rows are the same unless the test set was re-frozen.",
  dev: 'No run evaluated these versions on test rows: these are the dev figures in each manifest, taken on each version’s own dev rows, so they compare only roughly; per-intent scores are not kept there.',
} as const;

type TSearch = Promise<{ base?: string; candidate?: string }>;

export default async function ComparePage({ searchParams }: { searchParams: TSearch }) {
  await requireRole('ENGINEER');
  const asked = await searchParams;
  // Typed names: a space copied with one would make it "no model version".
  const [base, candidate] = [asked.base?.trim(), asked.candidate?.trim()];
  // The fields' suggestions need the names only: the registry's list, not the page's history and lineage.
  const versions = (await listModels(db(), { limit: 200 })).versions.map((v) => v.version);
  const header = (
    <>
      <p>
        <Link href="/models">← Model registry</Link>
      </p>
      <h1>Compare two versions</h1>
      <CompareForm versions={versions} base={base ?? null} candidate={candidate ?? null} />
    </>
  );
  if (!base || !candidate)
    return (
      <>
        {header}
        <EmptyState title="Pick two versions">
          The base is usually production; the candidate, what might replace it.
        </EmptyState>
      </>
    );
  let cmp: Awaited<ReturnType<typeof compareModels>>;
  try {
    cmp = await compareModels(db(), { base, candidate });
  } catch (e) {
    if (!(e instanceof RegistryError) && !isAppError(e)) throw e;
    return (
      <>
        {header}
        <p role="alert" className="error">
          {e.message}
        </p>
      </>
    );
  }
  return (
    <>
      {header}
      <section aria-labelledby="headline">
        <h2 id="headline">
          {cmp.base.version} → {cmp.candidate.version}
        </h2>
        <p className="muted" data-testid="basis">
          {BASIS[cmp.basis]}
          {cmp.base.testRows !== null ? ` ${cmp.base.testRows} test rows.` : ''}
        </p>
        <table>
          <thead>
            <tr>
              <th scope="col">Figure</th>
              <th scope="col">{cmp.base.version}</th>
              <th scope="col">{cmp.candidate.version}</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {cmp.headline.map((h) => (
              <tr key={h.metric}>
                <th scope="row" className={css.rowHead}>
                  {METRIC[h.metric]}
                </th>
                <td>{pct(h.base)}</td>
                <td>{pct(h.candidate)}</td>
                <td>
                  <Delta value={h.delta} />
                </td>
              </tr>
            ))}
            <tr>
              <th scope="row" className={css.rowHead}>
                Size
              </th>
              <td>{mb(cmp.base.sizeBytes)}</td>
              <td>{mb(cmp.candidate.sizeBytes)}</td>
              <td>
                {cmp.base.sizeBytes
                  ? `${((cmp.candidate.sizeBytes / cmp.base.sizeBytes) * 100).toFixed(0)} % of base`
                  : '—'}
              </td>
            </tr>
          </tbody>
        </table>
      </section>

      <section aria-labelledby="per-intent">
        <h2 id="per-intent">F1 per intent, biggest change first</h2>
        {cmp.perIntent.length === 0 ? (
          <EmptyState title="No per-intent scores for this pair">
            Per-intent F1 comes from a retrain's evaluation on test rows; at least one of these versions has
            none.
          </EmptyState>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Intent</th>
                <th scope="col">Test rows</th>
                <th scope="col">{cmp.base.version}</th>
                <th scope="col">{cmp.candidate.version}</th>
                <th scope="col">Change</th>
              </tr>
            </thead>
            <tbody>
              {cmp.perIntent.map((r) => (
                <tr key={r.intent}>
                  <th scope="row" className={css.rowHead}>
                    {r.intent}
                  </th>
                  <td>{r.support}</td>
                  <td>{pct(r.base)}</td>
                  <td>{pct(r.candidate)}</td>
                  <td>
                    <Delta value={r.delta} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="confusions">
        <h2 id="confusions">Confusions that moved</h2>
        {cmp.confusions === null ? (
          <EmptyState title="Confusion pairs were not recorded for this pair">
            Evaluations record their most frequent confusions from this release on; a run made before that has
            none.
          </EmptyState>
        ) : cmp.confusions.length === 0 ? (
          <EmptyState title="No confusion pair moved">
            Both versions confuse the same intents as often.
          </EmptyState>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Said</th>
                <th scope="col">Answered as</th>
                <th scope="col">{cmp.base.version}</th>
                <th scope="col">{cmp.candidate.version}</th>
                <th scope="col">Change</th>
              </tr>
            </thead>
            <tbody>
              {cmp.confusions.map((c) => (
                <tr key={`${c.gold}>${c.predicted}`}>
                  <td>{c.gold}</td>
                  <td>{c.predicted}</td>
                  <td>{c.base}</td>
                  <td>{c.candidate}</td>
                  <td>
                    <span className={`delta delta-${c.delta < 0 ? 'up' : 'down'}`}>
                      {c.delta > 0 ? `+${c.delta} more` : `${-c.delta} fewer`}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
