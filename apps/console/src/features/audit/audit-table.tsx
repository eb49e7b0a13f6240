import { Moment } from '@/components/moment';
import styles from './audit.module.css';
import { changeSummary, targetLabel, targetTypeWords } from './change-summary';

type TAuditRow = {
  id: string;
  at: Date;
  actor: string;
  action: string;
  targetType: string;
  targetId: string | null;
  targetName: string | null;
  data: unknown;
  /** Names of the model versions the entry holds by id (an alias move's from and to). */
  versionNames: Record<string, string>;
};

/** One page of audit entries: who, what, on what (by its name), and what changed, the JSON on demand. */
export function AuditTable({ rows }: { rows: TAuditRow[] }) {
  return (
    <table className={styles.table}>
      <thead>
        <tr>
          <th scope="col" className={styles.when}>
            When (UTC)
          </th>
          <th scope="col" className={styles.who}>
            Who
          </th>
          <th scope="col" className={styles.what}>
            What
          </th>
          <th scope="col" className={styles.target}>
            Target
          </th>
          <th scope="col">Change</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id} data-audit-id={r.id}>
            <td>
              <Moment at={r.at} to="second" />
            </td>
            <td>{r.actor}</td>
            <td>
              {/* Breaks after a dot, never inside a word: "model.alias.<wbr>experiment_start". */}
              {r.action.split('.').map((part, i, parts) => (
                <span key={parts.slice(0, i + 1).join('.')}>
                  {i > 0 ? '.' : ''}
                  {i > 0 ? <wbr /> : null}
                  {part}
                </span>
              ))}
            </td>
            <td title={r.targetId ?? undefined}>
              {targetTypeWords(r.targetType)} <strong>{targetLabel(r)}</strong>
            </td>
            <td>
              <Change data={r.data} names={r.versionNames} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Change({ data, names }: { data: unknown; names: Record<string, string> }) {
  const lines = changeSummary(data, names);
  // Sign-in and sign-out change no record: nothing to show before and after.
  if (lines.length === 0) return <span className="muted">—</span>;
  return (
    <>
      <ul className={styles.changes}>
        {lines.map((l) => (
          <li key={l}>{l}</li>
        ))}
      </ul>
      <details>
        <summary>Full record</summary>
        <pre className={`payload ${styles.json}`}>{JSON.stringify(data, null, 2)}</pre>
      </details>
    </>
  );
}
