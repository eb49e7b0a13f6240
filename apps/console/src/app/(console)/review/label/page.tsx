import { shopIntentNames } from '@acsa/pipelines/review';
import { filtersFromSearch } from '@/features/review/filters';
import { LabelingPanel } from '@/features/review/labeling-panel';
import { requireRole } from '@/server/auth';
import { db } from '@/server/db';

export const metadata = { title: 'Labeling · ACSA console' };

type TProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function LabelPage({ searchParams }: TProps) {
  await requireRole('REVIEWER');
  return (
    <>
      <h1>Labeling</h1>
      <p className="lede">One turn at a time, keyboard first. The model's guesses are pre-filled.</p>
      <LabelingPanel filters={filtersFromSearch(await searchParams)} intents={await shopIntentNames(db())} />
    </>
  );
}
