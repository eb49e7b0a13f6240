import { searchConversations } from '@acsa/pipelines/conversations';
import Link from 'next/link';
import { EmptyState } from '@/components/empty-state';
import { plural, utc } from '@/components/format';
import { requireRole } from '@/server/auth';
import { db } from '@/server/db';

/** Conversations a search shows, latest first. */
const SHOWN = 50;

export const metadata = { title: 'Conversations · ACSA console' };

type TProps = { searchParams: Promise<{ q?: string }> };

export default async function ConversationsPage({ searchParams }: TProps) {
  await requireRole('REVIEWER');
  const q = ((await searchParams).q ?? '').slice(0, 200);
  // One past the page says whether there were more than it shows.
  const found = q ? await searchConversations(db(), { q, limit: SHOWN + 1 }) : [];
  const hits = found.slice(0, SHOWN);
  const more = found.length > SHOWN;
  return (
    <>
      <h1>Conversations</h1>
      <p className="lede">
        Find a conversation by words the customer wrote, its session id, the customer's email or an order
        number.
      </p>
      <search>
        <form className="row card" action="/conversations">
          <label className="grow">
            Search conversations
            <input
              name="q"
              type="search"
              defaultValue={q}
              placeholder="e.g. parcel late · 10042 · alex.morgan@example.com"
            />
          </label>
          <button type="submit">Search</button>
        </form>
      </search>
      {!q ? (
        <EmptyState title="Search to begin">
          Type at least three letters of what a customer wrote, or an exact session id, email or order number.
        </EmptyState>
      ) : hits.length === 0 ? (
        <EmptyState title={`No conversation matches “${q}”`}>
          Words match anywhere in what a customer wrote; emails, sessions and order numbers must be exact.
        </EmptyState>
      ) : (
        <table>
          <caption className="muted" data-testid="search-caption">
            {more
              ? `The latest ${SHOWN} of more than ${SHOWN} that match: add words, or search an email or order number, to narrow it`
              : `${plural(hits.length, 'conversation')}, latest first`}
          </caption>
          <thead>
            <tr>
              <th scope="col">Last message</th>
              <th scope="col">Customer</th>
              <th scope="col">Matched</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {hits.map((h) => (
              <tr key={h.id}>
                <td>
                  <Link href={`/conversations/${h.id}`}>{utc(h.lastMessageAt)}</Link>
                </td>
                <td>{h.customerName ? `${h.customerName} <${h.customerEmail}>` : 'anonymous'}</td>
                <td>{h.match}</td>
                <td>{h.status.toLowerCase()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
