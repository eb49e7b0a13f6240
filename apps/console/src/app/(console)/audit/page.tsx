import { auditVocabulary, listAudit } from '@acsa/pipelines/audit';
import { EmptyState } from '@/components/empty-state';
import { utc } from '@/components/format';
import { requireRole } from '@/server/auth';
import { db } from '@/server/db';

export const metadata = { title: 'Audit log · ACSA console' };

type TSearch = Promise<{ actor?: string; action?: string; target?: string }>;

export default async function AuditPage({ searchParams }: { searchParams: TSearch }) {
  await requireRole('ADMIN');
  const filter = await searchParams;
  const [rows, vocabulary] = await Promise.all([
    listAudit(db(), { limit: 200, actor: filter.actor, action: filter.action, targetType: filter.target }),
    auditVocabulary(db()),
  ]);
  const filtered = Boolean(filter.actor || filter.action || filter.target);
  return (
    <>
      <h1>Audit log</h1>
      <p className="lede">
        Every change made in the console: who, what, when, and the record before and after.
      </p>
      <form method="get" action="/audit" className="row actions filters" aria-label="Filter the audit log">
        <label>
          Who (part of the name)
          <input name="actor" defaultValue={filter.actor ?? ''} placeholder="engineer@" />
        </label>
        <label>
          What
          <select name="action" defaultValue={filter.action ?? ''}>
            <option value="">any action</option>
            {vocabulary.actions.map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </label>
        <label>
          Target
          <select name="target" defaultValue={filter.target ?? ''}>
            <option value="">any target</option>
            {vocabulary.targetTypes.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <button type="submit">Filter</button>
        {filtered ? <a href="/audit">Clear</a> : null}
      </form>
      {rows.length === 0 ? (
        <EmptyState title={filtered ? 'Nothing matches this filter' : 'Nothing recorded yet'}>
          {filtered
            ? 'Widen it, or clear it to see every entry.'
            : 'Sign-ins, labels and escalation moves appear here.'}
        </EmptyState>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">Target</th>
              <th scope="col">Before → after</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td>{utc(r.at, 'second')}</td>
                <td>{r.actor}</td>
                <td>{r.action}</td>
                <td>
                  {/* The end of the id: uuid v7 ids made close together share their first digits. */}
                  {r.targetType} {r.targetId ? `…${r.targetId.slice(-8)}` : ''}
                </td>
                <td>
                  {/* Sign-in and sign-out change no record: nothing to show before and after. */}
                  {r.data && typeof r.data === 'object' && Object.keys(r.data).length === 0 ? (
                    <span className="muted">—</span>
                  ) : (
                    <code className="clip">{JSON.stringify(r.data)}</code>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
