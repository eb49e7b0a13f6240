import { shopIntentNames } from '@acsa/pipelines/review';
import { AgreementView } from '@/features/agreement/agreement-view';
import { requireRole } from '@/server/auth';
import { db } from '@/server/db';

export const metadata = { title: 'Agreement · ACSA console' };

export default async function AgreementPage() {
  await requireRole('ENGINEER');
  return (
    <>
      <h1>Agreement</h1>
      <p className="lede">
        How consistently reviewers label the overlap turns (each labeled by two people who do not see each
        other's label), and the disagreements waiting for your decision.
      </p>
      <AgreementView intents={await shopIntentNames(db())} />
    </>
  );
}
