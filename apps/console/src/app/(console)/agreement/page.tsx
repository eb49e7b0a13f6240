import { INTENT_NAMES } from '@acsa/corpus/intents';
import { AgreementView } from '@/features/agreement/agreement-view';
import { requireRole } from '@/server/auth';

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
      <AgreementView intents={[...INTENT_NAMES]} />
    </>
  );
}
