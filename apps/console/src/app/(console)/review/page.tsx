import { isAppError } from '@acsa/core/errors';
import { hasRole } from '@acsa/pipelines/access';
import {
  reviewInboxCounts,
  reviewModelVersion,
  reviewModelVersions,
  shopIntentNames,
} from '@acsa/pipelines/review';
import { NewLabelsBanner } from '@/features/datasets/new-labels-banner';
import { filtersFromSearch } from '@/features/review/filters';
import { ReviewInbox } from '@/features/review/review-inbox';
import { requireRole } from '@/server/auth';
import { db } from '@/server/db';

export const metadata = { title: 'Review inbox · ACSA console' };

type TProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/**
 * The name a shared link's version id shows in the filter, which may be older than its suggestions; an id no
 * version has shows as it is (the inbox then lists no turns for it, as before).
 */
async function initialVersion(id: string | null | undefined): Promise<string> {
  if (!id) return '';
  return reviewModelVersion(db(), id).then(
    (v) => v.version,
    (e: unknown) => {
      if (isAppError(e) && e.code === 'NOT_FOUND') return id;
      throw e;
    },
  );
}

export default async function ReviewPage({ searchParams }: TProps) {
  const user = await requireRole('REVIEWER');
  const initial = filtersFromSearch(await searchParams);
  const [counts, versions, intents, version] = await Promise.all([
    reviewInboxCounts(db()),
    reviewModelVersions(db()),
    shopIntentNames(db()),
    initialVersion(initial.modelVersionId),
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
        initial={initial}
        initialVersion={version}
        counts={counts}
        intents={intents}
        versions={versions}
      />
    </>
  );
}
