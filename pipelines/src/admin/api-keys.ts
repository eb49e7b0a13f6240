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

/**
 * An origin in the form browsers send it (`new URL(x).origin`: scheme and host lowercased, default port
 * dropped, a non-ASCII domain in punycode), since serving compares the request's Origin with the stored
 * ones exactly: `https://Shop.example:443` is stored as `https://shop.example`, and one stored otherwise
 * would never match. What cannot be an origin is refused saying what is wrong with it.
 */
function origin(raw: string): string {
  const typed = raw.trim();
  const refuse = (why: string) =>
    new AppError('BAD_REQUEST', `"${typed}" ${why}`, { field: 'allowedOrigins' });
  // Browsers send one exact origin, and serving matches it exactly: a pattern would never match anything.
  if (typed.includes('*'))
    throw refuse(
      'has a wildcard, and wildcards are not supported: list each origin the widget runs on (e.g. https://shop.example https://www.shop.example)',
    );
  if (typed === 'null')
    throw refuse(
      'is what sandboxed and file:// pages send, and no key can be bound to it: give the origin of the page the widget is on',
    );
  let url: URL;
  try {
    url = new URL(typed);
  } catch {
    throw refuse('is not an origin: write it as scheme://host[:port], e.g. https://shop.example');
  }
  if (!['http:', 'https:'].includes(url.protocol))
    throw refuse(`is not a web origin: it must start with https:// or http://, not ${url.protocol}//`);
  if (url.username || url.password)
    throw refuse('has a user name or password: give scheme://host[:port] only');
  if (url.pathname !== '/')
    throw refuse(
      `has a path (${url.pathname}): an origin is scheme://host[:port] only, without the page's path`,
    );
  if (url.search || url.hash || /[?#]/.test(typed))
    throw refuse('has a query or fragment (? or #): an origin is scheme://host[:port] only');
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
