import type { TEscalationView } from '@acsa/pipelines/escalations';
import Link from 'next/link';

/**
 * The escalated conversation, by a label people can say aloud; the storefront's session id (a long random
 * string) stays in the tooltip for whoever has to match it with serving's logs.
 */
export function ConversationLink({ escalation: e }: { escalation: TEscalationView }) {
  return (
    <Link href={`/conversations/${e.conversationId}`} title={`session ${e.sessionId}`}>
      {e.customer ? 'open the conversation' : 'open the guest conversation'}
    </Link>
  );
}
