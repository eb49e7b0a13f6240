import { AppError } from '@acsa/core/errors';
import { isUuid } from '@acsa/core/ids';
import type { PrismaClient } from '@acsa/db';

/** The latest model versions: the inbox filter's suggestions; the field takes any other by its name. */
export async function reviewModelVersions(prisma: PrismaClient) {
  return prisma.modelVersion.findMany({
    orderBy: { createdAt: 'desc' },
    take: 50,
    select: { id: true, version: true },
  });
}

/**
 * The inbox filter's version from what a reviewer typed: a name, or the id a shared link holds. NOT_FOUND
 * names the field, so the inbox says which name no version has instead of listing nothing.
 */
export async function reviewModelVersion(
  prisma: PrismaClient,
  ref: string,
): Promise<{ id: string; version: string }> {
  const name = ref.trim();
  const row = await prisma.modelVersion.findFirst({
    where: isUuid(name) ? { OR: [{ id: name }, { version: name }] } : { version: name },
    select: { id: true, version: true },
  });
  if (!row) throw new AppError('NOT_FOUND', `no model version "${name}"`, { field: 'modelVersion' });
  return row;
}
