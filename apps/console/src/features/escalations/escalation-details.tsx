import type { TEscalationView } from '@acsa/pipelines/escalations';
import { plural } from '@/components/format';
import { Transcript } from '@/components/transcript';
import { asWords, contextOf, intentsLine } from './escalation-words';

/** What a person needs to help the customer: who, which order, what the model understood, what was said. */
export function EscalationDetails({ escalation: e, open }: { escalation: TEscalationView; open: boolean }) {
  const ctx = contextOf(e);
  return (
    <>
      <p>{e.summary}</p>
      <dl className="facts">
        <dt>Customer</dt>
        <dd>
          {e.customer
            ? `${e.customer.name} <${e.customer.email}>`
            : (ctx.customer?.email ??
              (e.contactEmail ? `${e.contactEmail} (given in the conversation)` : 'not identified'))}
        </dd>
        <dt>Order</dt>
        <dd>
          {ctx.order?.number
            ? [`#${ctx.order.number}`, ctx.order.status && asWords(ctx.order.status), ctx.order.total]
                .filter(Boolean)
                .join(' · ')
            : 'none named'}
        </dd>
        <dt>Intents</dt>
        <dd>{intentsLine(ctx)}</dd>
        <dt>Entities</dt>
        <dd>{(ctx.entities ?? []).map((x) => `${x.type}: ${x.value}`).join(', ') || 'none'}</dd>
      </dl>
      <details open={open}>
        <summary>
          Transcript (
          {e.messageCount > e.transcript.length
            ? `the last ${e.transcript.length} of ${e.messageCount} messages`
            : plural(e.transcript.length, 'message')}
          )
        </summary>
        <Transcript turns={e.transcript} />
      </details>
    </>
  );
}
