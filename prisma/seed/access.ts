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
  options: {
    demoApiKey?: string | undefined;
    demoPassword?: string | undefined;
    /** A publishable key for the demo shop page, usable from `demoShopOrigins` only. */
    demoPublishableKey?: string | undefined;
    demoShopOrigins?: string[];
  },
): Promise<{ users: number; apiKey: boolean; publishableKey: boolean }> {
  const passwordHash = options.demoPassword ? hashPassword(options.demoPassword) : undefined;
  for (const u of DEMO_USERS) {
    await prisma.user.upsert({
      where: { email: u.email },
      create: { email: u.email, name: u.name, role: u.role, passwordHash: passwordHash ?? null },
      update: passwordHash ? { passwordHash } : {},
    });
  }
  const admin = await prisma.user.findUniqueOrThrow({ where: { email: DEMO_USERS[0].email } });
  if (options.demoApiKey) {
    await upsertDemoKey(prisma, admin.id, 'Demo storefront', 'ACSA_DEMO_API_KEY', options.demoApiKey, {
      kind: 'SECRET',
      allowedOrigins: [],
    });
  }
  if (options.demoPublishableKey) {
    await upsertDemoKey(
      prisma,
      admin.id,
      'Demo shop page',
      'ACSA_DEMO_PUBLISHABLE_KEY',
      options.demoPublishableKey,
      {
        kind: 'PUBLISHABLE',
        allowedOrigins: options.demoShopOrigins ?? [],
      },
    );
  }
  return {
    users: DEMO_USERS.length,
    apiKey: Boolean(options.demoApiKey),
    publishableKey: Boolean(options.demoPublishableKey),
  };
}

async function upsertDemoKey(
  prisma: PrismaClient,
  createdById: string,
  name: string,
  /** Where the key came from, for the error. */
  variable: string,
  key: string,
  access: { kind: 'SECRET' | 'PUBLISHABLE'; allowedOrigins: string[] },
): Promise<void> {
  if (key.length < 24) throw new Error(`${variable} must be at least 24 characters long`);
  const hash = sha256Hex(key);
  // One demo key of each name at a time: an older one left from a previous value is revoked, never kept working.
  await prisma.apiKey.updateMany({
    where: { name, hash: { not: hash }, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  await prisma.apiKey.upsert({
    where: { hash },
    create: { name, prefix: key.slice(0, 12), hash, scopes: ['chat', 'feedback'], createdById, ...access },
    update: { revokedAt: null, ...access },
  });
}
