import { generateCorpus } from '@acsa/corpus';
import { stream } from '@acsa/corpus/prng';
import { normalizeKey } from '@acsa/corpus/split';
import type { PrismaClient } from '@acsa/db';
import { bulkInsert } from '@acsa/db';
import { uuidv7 } from './uuid.ts';

export const BOOTSTRAP_DATASET = 'bootstrap';
const SPLIT = { train: 'TRAIN', dev: 'DEV', test: 'TEST' } as const;

/**
 * Stores the bootstrap corpus as dataset "bootstrap" version 1, generated with the catalogue's product
 * names so product entities match what the shop sells. Skipped when the dataset already exists. Tests and
 * benches that need a small one ask for fewer utterances per intent (and the generator's own product names).
 */
export async function seedBootstrapCorpus(
  prisma: PrismaClient,
  options: { seed: number; productNames?: string[]; perIntent?: number },
): Promise<{ examples: number; perIntent: Record<string, number>; perSplit: Record<string, number> } | null> {
  if (await prisma.dataset.findUnique({ where: { name: BOOTSTRAP_DATASET } })) return null;
  const rows = generateCorpus({
    seed: options.seed,
    productNames: options.productNames,
    perIntent: options.perIntent,
  });
  const perIntent: Record<string, number> = {};
  const perSplit: Record<string, number> = { train: 0, dev: 0, test: 0 };
  const seen = new Set<string>();
  // Each normalised text once: it is the example's key, unique within a version.
  const examples = rows.flatMap((r, i) => {
    const key = normalizeKey(r.text);
    if (seen.has(key)) return [];
    seen.add(key);
    perIntent[r.intent] = (perIntent[r.intent] ?? 0) + 1;
    perSplit[r.split] = (perSplit[r.split] ?? 0) + 1;
    return [
      {
        text: r.text,
        key,
        intent: r.intent,
        entities: r.entities,
        source: 'BOOTSTRAP' as const,
        split: SPLIT[r.split],
        origin: `bootstrap:${i}`,
      },
    ];
  });
  const now = new Date();
  const idRandom = stream(options.seed, 'corpus-ids');
  await prisma.$transaction(
    async (tx) => {
      const dataset = await tx.dataset.create({
        data: {
          name: BOOTSTRAP_DATASET,
          description:
            'Generated support utterances for the intent taxonomy: what the first model is trained on',
        },
      });
      const version = await tx.datasetVersion.create({
        data: {
          datasetId: dataset.id,
          version: 1,
          source: 'BOOTSTRAP',
          exampleCount: examples.length,
          meta: {
            generator: '@acsa/corpus',
            seed: options.seed,
            products: options.productNames?.length ?? null,
            perIntent: options.perIntent ?? null,
          },
          counts: { ...perSplit, intents: perIntent },
        },
      });
      await bulkInsert(
        tx,
        'Example',
        examples.map((e) => ({ id: uuidv7(now, idRandom), ...e, datasetVersionId: version.id })),
      );
    },
    { timeout: 60_000 },
  );
  return { examples: examples.length, perIntent, perSplit };
}
