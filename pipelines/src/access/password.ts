import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const scryptAsync = (
  password: string,
  salt: Buffer,
  length: number,
  o: { N: number; r: number; p: number },
) =>
  new Promise<Buffer>((resolve, reject) =>
    scrypt(password, salt, length, { ...o, maxmem: 256 * o.N * o.r }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );

/**
 * A password's hash as the credential Account keeps it: `scrypt$N$r$p$salt$hash` (base64). Asynchronous, so
 * hashing never blocks the event loop for the ~50 ms scrypt takes.
 */
export async function hashPassword(password: string): Promise<string> {
  const [N, r, p] = [16384, 8, 1];
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, 32, { N, r, p });
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Checks a password against a hashPassword hash; a malformed hash is a mismatch, never an exception. */
export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  const parts = stored?.split('$');
  if (!parts || parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  if (!N || !r || !p || expected.length === 0) return false;
  return timingSafeEqual(await scryptAsync(password, salt, expected.length, { N, r, p }), expected);
}
