import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '@acsa/core/errors';
import type { ApiKeyKind, PrismaClient } from '@acsa/db';
import type { Redis } from 'ioredis';
import type { TActor } from '../access/roles.ts';
import { audited } from '../audit/audited.ts';
import { API_KEY_REVOKED_CHANNEL } from '../queues.ts';

/**
 * How long serving keeps a key it has looked up. A revocation is announced to every replica at once
 * (API_KEY_REVOKED_CHANNEL); only while Redis is down may a revoked key answer for up to this long.
 */
export const SERVING_KEY_CACHE_SECONDS = 30;

const PUBLIC = {
  id: true,
  name: true,
  prefix: true,
  kind: true,
  allowedOrigins: true,
  scopes: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
} as const;

/** Storefront API keys, newest first, with who made each; never the key or its hash. */
export async function listApiKeys(prisma: PrismaClient) {
  const rows = await prisma.apiKey.findMany({
    orderBy: { createdAt: 'desc' },
    select: { ...PUBLIC, createdBy: { select: { email: true } } },
  });
  return rows.map(({ createdBy, ...r }) => ({ ...r, createdBy: createdBy?.email ?? null }));
}

/** An origin as browsers send it: scheme://host[:port], http or https, nothing after. */
function origin(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new AppError('BAD_REQUEST', `"${raw}" is not an origin (scheme://host[:port])`, {
      field: 'allowedOrigins',
    });
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.origin !== raw.trim().replace(/\/$/, ''))
    throw new AppError(
      'BAD_REQUEST',
      `"${raw}" is not an origin: use scheme://host[:port] with nothing after`,
      {
        field: 'allowedOrigins',
      },
    );
  return url.origin;
}

/**
 * A new storefront key (256 random bits), stored as its sha256; the key itself is returned once and kept
 * nowhere. A publishable key needs the origins of the pages it may be used from; a secret key has none.
 */
export async function createApiKey(
  prisma: PrismaClient,
  actor: TActor,
  input: { name: string; kind: ApiKeyKind; allowedOrigins: string[] },
) {
  const name = input.name.trim();
  if (!name) throw new AppError('BAD_REQUEST', 'give the key a name', { field: 'name' });
  const allowedOrigins = [...new Set(input.allowedOrigins.filter((o) => o.trim()).map(origin))];
  if (input.kind === 'PUBLISHABLE' && allowedOrigins.length === 0)
    throw new AppError('BAD_REQUEST', 'a publishable key needs at least one allowed origin', {
      field: 'allowedOrigins',
    });
  if (input.kind === 'SECRET' && allowedOrigins.length)
    throw new AppError('BAD_REQUEST', 'a secret key is refused from every browser: it takes no origins', {
      field: 'allowedOrigins',
    });
  const key = `${input.kind === 'SECRET' ? 'acsa_sk_' : 'acsa_pk_'}${randomBytes(32).toString('base64url')}`;
  const row = await audited(prisma, actor, async (tx) => {
    const created = await tx.apiKey.create({
      data: {
        name,
        kind: input.kind,
        allowedOrigins,
        prefix: key.slice(0, 12),
        hash: createHash('sha256').update(key).digest('hex'),
        scopes: ['chat', 'feedback'],
        createdById: actor.id,
      },
      select: PUBLIC,
    });
    return {
      result: created,
      audit: {
        action: 'api-key.create',
        targetType: 'ApiKey',
        targetId: created.id,
        before: null,
        after: created,
      },
    };
  });
  return { key, apiKey: row };
}

/**
 * Revokes a key at once in the database, then tells every serving replica to forget it (`announce`: the
 * Redis client that publishes; without it, or with Redis down, replicas drop it within their cache's
 * SERVING_KEY_CACHE_SECONDS).
 */
export async function revokeApiKey(
  prisma: PrismaClient,
  actor: TActor,
  id: string,
  announce?: Pick<Redis, 'publish'> | null,
) {
  const revoked = await audited(prisma, actor, async (tx) => {
    const before = await tx.apiKey.findUnique({ where: { id }, select: PUBLIC });
    if (!before) throw new AppError('NOT_FOUND', 'no such API key');
    if (before.revokedAt) throw new AppError('CONFLICT', 'this key is already revoked');
    const after = await tx.apiKey.update({ where: { id }, data: { revokedAt: new Date() }, select: PUBLIC });
    return {
      result: after,
      audit: { action: 'api-key.revoke', targetType: 'ApiKey', targetId: id, before, after },
    };
  });
  await announce?.publish(API_KEY_REVOKED_CHANNEL, id).catch(() => undefined);
  return revoked;
}
