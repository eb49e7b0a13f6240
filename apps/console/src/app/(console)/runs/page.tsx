import { listRunsWithTotal } from '@acsa/pipelines/runs';
import { RunsTable } from '@/features/runs/runs-table';
import { StartRun } from '@/features/runs/start-run';
import { requireRole } from '@/server/auth';
import { db } from '@/server/db';

export const metadata = { title: 'Training runs · ACSA console' };

export default async function RunsPage() {
  await requireRole('ENGINEER');
  const runs = await listRunsWithTotal(db());
  return (
    <>
      <h1>Training runs</h1>
      <p className="lede">
        Every retraining run, whatever started it (this page, the datasets page, new labels, a drift alert,
        the schedule, <code>acsa retrain</code>). One runs at a time: starting another while one is active
        opens that one.
      </p>
      <StartRun />
      <RunsTable initial={runs} />
    </>
  );
}
