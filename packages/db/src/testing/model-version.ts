import type { PrismaClient } from '../../../../prisma/generated/client.ts';

/**
 * A registered version with no artifact behind it (sha256 = its name, one byte): enough for the rows that
 * reference a version — stats, drift reports, aliases, experiments — where no test loads the model.
 */
export function bareModelVersion(
  prisma: PrismaClient,
  version: string,
  opts: { labels?: string[]; manifest?: object } = {},
) {
  return prisma.modelVersion.create({
    data: {
      version,
      kind: 'student-int8',
      manifest: opts.manifest ?? {},
      sha256: version,
      sizeBytes: 1,
      featurizerVersion: 1,
      labels: opts.labels ?? ['a'],
      metrics: {},
    },
  });
}
