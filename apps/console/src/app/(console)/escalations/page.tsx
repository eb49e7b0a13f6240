import { EscalationsQueue } from '@/features/escalations/escalations-queue';
import { requireRole } from '@/server/auth';

export const metadata = { title: 'Escalations · ACSA console' };

export default async function EscalationsPage() {
  const user = await requireRole('REVIEWER');
  return (
    <>
      <h1>Escalations</h1>
      <p className="lede">
        Conversations the agent handed to a person: open ones the longest-waiting customer first, resolved
        ones the latest first.
      </p>
      <EscalationsQueue userId={user.id} />
    </>
  );
}
