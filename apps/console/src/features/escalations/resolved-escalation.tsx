import type { TEscalationView } from '@acsa/pipelines/escalations';
import { clip } from '@/components/format';
import { ConversationLink } from './conversation-link';
import { EscalationDetails } from './escalation-details';
import { asWords, customerLabel, resolvedLine } from './escalation-words';

/**
 * A resolved escalation as one line (who, why, what it was about, who resolved it, when and how) that opens
 * into the whole card:
 * people scan the resolved list for one case, so a page of full cards would bury it.
 */
export function ResolvedEscalation({ escalation: e }: { escalation: TEscalationView }) {
  return (
    <article className="card" aria-labelledby={`esc-${e.id}`}>
      <details>
        <summary>
          <strong id={`esc-${e.id}`}>{customerLabel(e)}</strong>{' '}
          <span className="badge">{asWords(e.reason).toLowerCase()}</span> {clip(e.summary)} ·{' '}
          <span className="muted">{resolvedLine(e)}</span>
          {e.resolutionNote ? <span className="muted">: “{clip(e.resolutionNote)}”</span> : null}
        </summary>
        <p className="muted">
          <ConversationLink escalation={e} />
        </p>
        <EscalationDetails escalation={e} open={false} />
        <p className="muted">Resolution: {e.resolutionNote}</p>
      </details>
    </article>
  );
}
