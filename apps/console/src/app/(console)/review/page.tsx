import { hasRole } from '@acsa/pipelines/access';
import { reviewInboxCounts, reviewModelVersions, shopIntentNames } from '@acsa/pipelines/review';
import { NewLabelsBanner } from '@/features/datasets/new-labels-banner';
import { filtersFromSearch } from '@/features/review/filters';
import { ReviewInbox } from '@/features/review/review-inbox';
import { requireRole } from '@/server/auth';
import { db } from '@/server/db';

export const metadata = { title: 'Review inbox · ACSA console' };

type TProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function ReviewPage({ searchParams }: TProps) {
  const user = await requireRole('REVIEWER');
  const [counts, versions, intents] = await Promise.all([
    reviewInboxCounts(db()),
    reviewModelVersions(db()),
    shopIntentNames(db()),
  ]);
  return (
    <>
      <h1>Review inbox</h1>
      <p className="lede">
        Turns waiting for a person's label, the ones the model was least sure of first. Labels teach the next
        model.
      </p>
      <NewLabelsBanner canRetrain={hasRole(user.role, 'ENGINEER')} />
      <ReviewInbox
        initial={filtersFromSearch(await searchParams)}
        counts={counts}
        intents={intents}
        versions={versions}
      />
    </>
  );
}
