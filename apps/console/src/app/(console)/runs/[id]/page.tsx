import { isUuid } from '@acsa/core/ids';
import { runState } from '@acsa/pipelines/runs';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { shortId, utc } from '@/components/format';
import { RunLive } from '@/features/runs/run-live';
import { requireRole } from '@/server/auth';
import { db } from '@/server/db';

export const metadata = { title: 'Training run · ACSA console' };

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  await requireRole('ENGINEER');
  const { id } = await params;
  const state = isUuid(id) ? await runState(db(), id) : null;
  if (!state) notFound();
  return (
    <>
      <p>
        <Link href="/runs">← Training runs</Link>
      </p>
      <h1>Run {shortId(state.run.id)}</h1>
      <p className="lede">
        Created {utc(state.run.createdAt, 'second')}. Snapshot → teacher and student → evaluate on the frozen
        test rows → gate → register → promote.
      </p>
      <RunLive initial={state} />
    </>
  );
}
