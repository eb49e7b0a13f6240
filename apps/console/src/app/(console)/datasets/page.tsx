import { countDatasetVersions, listDatasetVersions } from '@acsa/pipelines/learning-data';
import { EmptyState } from '@/components/empty-state';
import { utc } from '@/components/format';
import { NewLabelsBanner } from '@/features/datasets/new-labels-banner';
import { requireRole } from '@/server/auth';
import { db } from '@/server/db';

export const metadata = { title: 'Datasets · ACSA console' };

export default async function DatasetsPage() {
  await requireRole('ENGINEER');
  const [versions, total] = await Promise.all([listDatasetVersions(db()), countDatasetVersions(db())]);
  return (
    <>
      <h1>Datasets</h1>
      <p className="lede">
        Every dataset version a model can train on: the bootstrap corpus, imports, and the snapshots each
        retrain takes of them with reviewers' labels.
      </p>
      <NewLabelsBanner canRetrain />
      {versions.length === 0 ? (
        <EmptyState title="No dataset versions yet">
          <code>npm start</code> makes the first from the bootstrap corpus; <code>acsa data import FILE</code>{' '}
          adds one from a file.
        </EmptyState>
      ) : (
        <table>
          {total > versions.length ? (
            // The page keeps to the latest; the CLI lists every version, as Models does.
            <caption className="muted" data-testid="versions-shown">
              The latest {versions.length} of {total} dataset versions:{' '}
              <code>acsa data list --limit {total}</code> lists every one.
            </caption>
          ) : null}
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Made</th>
              <th scope="col">Examples (train / dev / test)</th>
              <th scope="col">Sources</th>
              <th scope="col">Intents</th>
              <th scope="col">Runs that used it</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.id}>
                <td>
                  {v.dataset} v{v.version}
                  <br />
                  <span className="muted">{v.source.toLowerCase()}</span>
                </td>
                <td>
                  {utc(v.createdAt)}
                  {v.createdBy ? ` by ${v.createdBy}` : ''}
                </td>
                <td>
                  {v.examples} ({v.splits.train} / {v.splits.dev} / {v.splits.test})
                </td>
                <td>{v.sources.map((s) => `${s.source.toLowerCase()} ${s.n}`).join(', ')}</td>
                <td>
                  <details>
                    <summary>{v.intents.length} intents</summary>
                    <ul className="compact">
                      {v.intents.map((i) => (
                        <li key={i.intent}>
                          {i.intent} {i.n}
                        </li>
                      ))}
                    </ul>
                  </details>
                </td>
                <td>{v.runs}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
