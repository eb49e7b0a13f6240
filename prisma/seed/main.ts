// Seeds the demo shop, the bootstrap corpus and the demo users into an empty database (`npm run db:seed`;
// `npm start` runs it). Each part is skipped when already there, so it is safe to run on every start.
//
//   DATABASE_URL         the database (default postgresql://postgres@127.0.0.1:5432/acsa)
//   ACSA_SEED            the random seed (default 42): same seed and day, same shop
//   ACSA_DEMO_API_KEY    creates the demo storefront API key (development only)
//   ACSA_DEMO_PASSWORD   sets the demo console users' password (development only)
//   ACSA_DEMO_PUBLISHABLE_KEY, ACSA_DEMO_SHOP_ORIGINS (comma-separated)
//                        creates the demo shop page's publishable key for those origins (development only)
import { baseEnvShape, parseEnvOrExit } from '@acsa/core/env';
import { createPrisma } from '@acsa/db';
import { z } from 'zod';
import { seedAccess } from './access.ts';
import { seedBootstrapCorpus } from './corpus.ts';
import { catalogueProductNames, seedDemoShop } from './seed.ts';

const ZSeedEnv = z.object({
  DATABASE_URL: baseEnvShape.DATABASE_URL,
  ACSA_SEED: z.coerce.number().int().default(42),
  ACSA_DEMO_API_KEY: z.string().optional(),
  ACSA_DEMO_PASSWORD: z.string().optional(),
  ACSA_DEMO_PUBLISHABLE_KEY: z.string().optional(),
  ACSA_DEMO_SHOP_ORIGINS: z
    .string()
    .default('')
    .transform((v) => v.split(',').filter(Boolean)),
});
const env = parseEnvOrExit(ZSeedEnv, process.env);
const url = env.DATABASE_URL;
const seed = env.ACSA_SEED;
const today = new Date();
today.setUTCHours(0, 0, 0, 0);

const prisma = createPrisma({ url, max: 4 });
const seconds = (t: number) => `${((performance.now() - t) / 1000).toFixed(1)} s`;
try {
  let t = performance.now();
  const shop = await seedDemoShop(prisma, { seed, now: today });
  if (shop) {
    const { ordersByStatus, ...rest } = shop;
    console.log(`demo shop seeded in ${seconds(t)}:`);
    for (const [k, v] of Object.entries(rest)) console.log(`  ${k.padEnd(15)} ${v.toLocaleString('en-US')}`);
    console.log(
      `  orders by status: ${Object.entries(ordersByStatus)
        .map(([s, n]) => `${s.toLowerCase()} ${n}`)
        .join(', ')}`,
    );
  } else console.log('demo shop already seeded');

  t = performance.now();
  const corpus = await seedBootstrapCorpus(prisma, { seed, productNames: catalogueProductNames(seed) });
  if (corpus) {
    const { train, dev, test } = corpus.perSplit;
    console.log(
      `bootstrap corpus stored in ${seconds(t)}: ${corpus.examples} examples, ${Object.keys(corpus.perIntent).length} intents (train ${train}, dev ${dev}, test ${test})`,
    );
  } else console.log('bootstrap corpus already stored');

  const access = await seedAccess(prisma, {
    demoApiKey: env.ACSA_DEMO_API_KEY,
    demoPassword: env.ACSA_DEMO_PASSWORD,
    demoPublishableKey: env.ACSA_DEMO_PUBLISHABLE_KEY,
    demoShopOrigins: env.ACSA_DEMO_SHOP_ORIGINS,
  });
  console.log(
    `demo users: ${access.users}${access.apiKey ? '; demo storefront key from ACSA_DEMO_API_KEY' : ''}${
      access.publishableKey ? `; demo shop key for ${env.ACSA_DEMO_SHOP_ORIGINS.join(', ')}` : ''
    }`,
  );
} catch (e) {
  console.error(`error: seeding failed: ${(e as Error).message}`);
  process.exitCode = 1;
} finally {
  await prisma.$disconnect();
}
