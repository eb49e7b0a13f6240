import { scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Checks a password against a hash in the format `prisma/seed/access.ts` writes and User.passwordHash
 * documents: `scrypt$N$r$p$salt$hash` (base64). Asynchronous, so a sign-in never blocks the event loop for
 * the ~50 ms scrypt takes; a malformed hash is a mismatch, never an exception.
 */
export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  const parts = stored?.split('$');
  if (!parts || parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  if (!N || !r || !p || expected.length === 0) return false;
  const actual = await new Promise<Buffer>((resolve, reject) =>
    scrypt(password, salt, expected.length, { N, r, p, maxmem: 256 * N * r }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
  return timingSafeEqual(actual, expected);
}
