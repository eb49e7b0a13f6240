import { createHash, randomBytes, scryptSync } from 'node:crypto';
import type { PrismaClient } from '@acsa/db';

export const DEMO_USERS = [
  { email: 'admin@example.com', name: 'Ada Admin', role: 'ADMIN' },
  { email: 'engineer@example.com', name: 'Eli Engineer', role: 'ENGINEER' },
  { email: 'reviewer@example.com', name: 'Rae Reviewer', role: 'REVIEWER' },
  { email: 'reviewer2@example.com', name: 'Rob Reviewer', role: 'REVIEWER' },
] as const;

/** The format User.passwordHash documents: scrypt$N$r$p$salt$hash (base64). */
export function hashPassword(password: string): string {
  const [N, r, p] = [16384, 8, 1];
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, 32, { N, r, p });
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Demo users and the demo storefront key. Both secrets come from the environment (development only) and
 * are stored hashed; runs again on every start so changing them takes effect without a reset.
 */
export async function seedAccess(
  prisma: PrismaClient,
  options: { demoApiKey?: string; demoPassword?: string },
): Promise<{ users: number; apiKey: boolean }> {
  const passwordHash = options.demoPassword ? hashPassword(options.demoPassword) : undefined;
  for (const u of DEMO_USERS) {
    await prisma.user.upsert({
      where: { email: u.email },
      create: { email: u.email, name: u.name, role: u.role, passwordHash: passwordHash ?? null },
      update: passwordHash ? { passwordHash } : {},
    });
  }
  if (!options.demoApiKey) return { users: DEMO_USERS.length, apiKey: false };
  if (options.demoApiKey.length < 24)
    throw new Error('ACSA_DEMO_API_KEY must be at least 24 characters long');
  const hash = sha256Hex(options.demoApiKey);
  const admin = await prisma.user.findUniqueOrThrow({ where: { email: DEMO_USERS[0].email } });
  // One demo key at a time: an older one left from a previous value is revoked, never kept working.
  await prisma.apiKey.updateMany({
    where: { name: 'Demo storefront', hash: { not: hash }, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  await prisma.apiKey.upsert({
    where: { hash },
    create: {
      name: 'Demo storefront',
      prefix: options.demoApiKey.slice(0, 12),
      hash,
      scopes: ['chat', 'feedback'],
      createdById: admin.id,
    },
    update: { revokedAt: null },
  });
  return { users: DEMO_USERS.length, apiKey: true };
}
