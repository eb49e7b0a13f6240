import { conversationTranscript } from '@acsa/pipelines/conversations';
import { notFound } from 'next/navigation';
import { Moment } from '@/components/moment';
import { SendToReview } from '@/features/conversations/send-to-review';
import { requireRole } from '@/server/auth';
import { db } from '@/server/db';

export const metadata = { title: 'Conversation · ACSA console' };

export default async function ConversationPage({ params }: { params: Promise<{ id: string }> }) {
  await requireRole('REVIEWER');
  const { id } = await params;
  const t = /^[0-9a-f-]{36}$/i.test(id) ? await conversationTranscript(db(), id) : null;
  if (!t) notFound();
  return (
    <>
      {/* Named for the person, as people refer to it; the storefront's session id is for matching logs. */}
      <h1>{t.customer ? `Conversation with ${t.customer.name}` : 'Guest conversation'}</h1>
      <p className="lede">
        Started <Moment at={t.startedAt} /> ·{' '}
        {t.customer ? `${t.customer.name} <${t.customer.email}>` : 'customer not signed in'} ·{' '}
        {t.status.toLowerCase()}
        {t.variant ? ` · variant ${t.variant}` : ''} ·{' '}
        <span className="muted" title="The storefront's chat session id">
          session {t.sessionId}
        </span>
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">Time (UTC)</th>
            <th scope="col">Who</th>
            <th scope="col">Message</th>
            <th scope="col">Intent</th>
            <th scope="col">Confidence</th>
            <th scope="col">Model · variant</th>
            <th scope="col">Review</th>
          </tr>
        </thead>
        <tbody>
          {t.messages.map((m) => (
            <tr key={m.id} className={m.role === 'USER' ? 'user-row' : ''}>
              <td>
                <Moment at={m.createdAt} day={t.startedAt} />
              </td>
              <td>{m.role === 'USER' ? 'Customer' : m.role === 'AGENT' ? 'Agent' : 'System'}</td>
              <td>{m.text}</td>
              <td>
                {m.role === 'USER'
                  ? m.outOfScope
                    ? `${m.intent ?? ''} (out of scope)`
                    : (m.intent ?? '—')
                  : ''}
              </td>
              <td>{m.confidence != null ? `${Math.round(m.confidence * 100)} %` : ''}</td>
              <td>
                {m.role === 'USER'
                  ? `${m.modelVersion?.version ?? '—'}${m.variant ? ` · ${m.variant}` : ''}`
                  : ''}
              </td>
              <td>
                {m.role !== 'USER' ? null : m.reviewItem ? (
                  `${m.reviewItem.status.toLowerCase().replace('_', ' ')} (${m.reviewItem.reason.toLowerCase().replace('_', ' ')})`
                ) : (
                  <SendToReview messageId={m.id} />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
