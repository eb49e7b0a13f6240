import type { PrismaClient } from '../../../../prisma/generated/client.ts';

/**
 * Runs `work` while the audit log refuses every entry whose action is LIKE `action` (`'retrain.%'` for a
 * family), raising `audit log refused`: how a test shows that a change whose record cannot be written is not
 * stored either. The refusal is lifted however `work` ends, so the rest of the file writes entries again.
 */
export async function withAuditRefused<T>(
  prisma: PrismaClient,
  action: string,
  work: () => Promise<T>,
): Promise<T> {
  // A trigger's WHEN takes no parameters: the pattern goes in as a quoted literal.
  const pattern = `'${action.replaceAll("'", "''")}'`;
  await prisma.$executeRawUnsafe(`CREATE OR REPLACE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql
    AS $$ BEGIN RAISE EXCEPTION 'audit log refused'; END $$`);
  await prisma.$executeRawUnsafe(`CREATE TRIGGER refuse_audit BEFORE INSERT ON "AuditLog"
    FOR EACH ROW WHEN (NEW.action LIKE ${pattern}) EXECUTE FUNCTION refuse_audit()`);
  try {
    return await work();
  } finally {
    await prisma.$executeRawUnsafe('DROP TRIGGER refuse_audit ON "AuditLog"');
  }
}
