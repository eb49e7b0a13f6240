import type { PrismaClient } from '@acsa/db';
import type { TActor } from '../access/roles.ts';
import type { TTrainingPreset } from '../retrain/config.ts';
import type { TRetrainClient } from '../retrain/retrain-client.ts';
import { auditedRequest } from '../runs/audited-request.ts';
import { newLabelsSinceRetrain } from './new-labels.ts';

/**
 * The console's retrain button: one run through the same client every trigger uses (at most one active
 * run; a second press gets the active run back), requested by and audited as the engineer who pressed it,
 * the entry stored in the run's own transaction (auditedRequest).
 */
export async function startRetrainFromConsole(
  prisma: PrismaClient,
  actor: TActor,
  client: TRetrainClient,
  options: { preset?: TTrainingPreset } = {},
) {
  const { count } = await newLabelsSinceRetrain(prisma);
  return client.request(
    {
      trigger: 'MANUAL',
      reason: `console: ${count} new labels`,
      requestedById: actor.id,
      ...(options.preset ? { config: { preset: options.preset } } : {}),
    },
    { record: auditedRequest(actor, 'retrain.request', { newLabels: count }) },
  );
}
