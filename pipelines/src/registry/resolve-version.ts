import { isUuid } from '@acsa/core/ids';
import type { ModelVersion, PrismaClient } from '@acsa/db';
import { RegistryError } from '@acsa/db/registry';

type TVersionRow = Omit<ModelVersion, 'artifact'>;

/** A version by its name ("intent-2026.11.26-…") or id; never loads the ONNX bytes. */
export async function resolveVersion(prisma: PrismaClient, ref: string): Promise<TVersionRow> {
  const row = await prisma.modelVersion.findFirst({
    where: isUuid(ref) ? { OR: [{ id: ref }, { version: ref }] } : { version: ref },
    omit: { artifact: true },
  });
  if (!row) throw new RegistryError(`no model version "${ref}"`);
  return row;
}
