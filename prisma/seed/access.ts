import { createHash } from 'node:crypto';
import type { PrismaClient } from '@acsa/db';
import { hashPassword } from '@acsa/pipelines/access';

export const DEMO_USERS = [
  { email: 'admin@example.com', name: 'Ada Admin', role: 'ADMIN' },
  { email: 'engineer@example.com', name: 'Eli Engineer', role: 'ENGINEER' },
  { email: 'reviewer@example.com', name: 'Rae Reviewer', role: 'REVIEWER' },
  { email: 'reviewer2@example.com', name: 'Rob Reviewer', role: 'REVIEWER' },
] as const;

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
  const password = options.demoPassword ? await hashPassword(options.demoPassword) : undefined;
  for (const u of DEMO_USERS) {
    const user = await prisma.user.upsert({
      where: { email: u.email },
      create: { email: u.email, name: u.name, role: u.role },
      update: {},
    });
    // The credential account better-auth signs the user in with.
    if (password)
      await prisma.account.upsert({
        where: { providerId_accountId: { providerId: 'credential', accountId: user.id } },
        create: { providerId: 'credential', accountId: user.id, userId: user.id, password },
        update: { password },
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
