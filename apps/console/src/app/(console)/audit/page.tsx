import { auditVocabulary, listAudit } from '@acsa/pipelines/audit';
import { EmptyState } from '@/components/empty-state';
import styles from '@/features/audit/audit.module.css';
import { AuditTable } from '@/features/audit/audit-table';
import { targetTypeWords } from '@/features/audit/change-summary';
import { requireRole } from '@/server/auth';
import { db } from '@/server/db';

export const metadata = { title: 'Audit log · ACSA console' };

/** Entries per page: enough to scan a busy hour, few enough that the page stays short. */
const PAGE = 50;

type TFilter = { actor?: string; action?: string; target?: string; checks?: string; before?: string };

export default async function AuditPage({ searchParams }: { searchParams: Promise<TFilter> }) {
  await requireRole('ADMIN');
  const filter = await searchParams;
  const [fetched, vocabulary] = await Promise.all([
    // One more than a page: whether it comes back says if there are older entries.
    listAudit(db(), {
      limit: PAGE + 1,
      actor: filter.actor,
      action: filter.action,
      targetType: filter.target,
      passwordChecks: filter.checks === '1',
      beforeId: filter.before,
    }),
    auditVocabulary(db()),
  ]);
  const rows = fetched.slice(0, PAGE);
  const last = rows.at(-1);
  const older = fetched.length > PAGE && last ? pageHref(filter, last.id) : null;
  const filtered = Boolean(filter.actor || filter.action || filter.target || filter.checks);
  return (
    <>
      <h1>Audit log</h1>
      <p className="lede">
        Every change made in the console: who, what, when, and the record before and after. Password checks
        (every sign-in try, kept for the sign-in limits) are left out unless you ask for them.
      </p>
      <form
        method="get"
        action="/audit"
        className={`row actions filters ${styles.filter}`}
        aria-label="Filter the audit log"
      >
        {/* Matches any part of the Who column as shown (an email, system:trainer, cli:login), any case; never
            a person's display name, which that column does not show. */}
        <label>
          Who (any part)
          <input name="actor" defaultValue={filter.actor ?? ''} placeholder="engineer@, system:…" />
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
              <option key={t} value={t}>
                {targetTypeWords(t)}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          <input type="checkbox" name="checks" value="1" defaultChecked={filter.checks === '1'} />
          Password checks
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
        <AuditTable rows={rows} />
      )}
      <nav aria-label="Audit log pages" className={`row actions ${styles.pager}`}>
        {filter.before ? <a href={pageHref(filter, null)}>Newest entries</a> : null}
        {older ? (
          <a href={older} rel="next">
            Older entries
          </a>
        ) : null}
      </nav>
    </>
  );
}

/** The same filter, from another page: the cursor is the last id shown (none: the newest page). */
function pageHref(filter: TFilter, before: string | null): string {
  const q = new URLSearchParams();
  for (const k of ['actor', 'action', 'target', 'checks'] as const) {
    const v = filter[k];
    if (v) q.set(k, v);
  }
  if (before) q.set('before', before);
  const s = q.toString();
  return s ? `/audit?${s}` : '/audit';
}
