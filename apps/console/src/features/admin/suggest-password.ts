/** Letters and digits nobody misreads when passing a password on (no 0/O, 1/l/I). */
const ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/**
 * A random password for an admin to pass on: 16 characters from ALPHABET, about 93 bits, drawn without
 * modulo bias (bytes past the last whole multiple of the alphabet's size are drawn again).
 */
export function suggestPassword(
  length = 16,
  random = (n: number) => crypto.getRandomValues(new Uint8Array(n)),
) {
  const limit = 256 - (256 % ALPHABET.length);
  let out = '';
  while (out.length < length) {
    for (const b of random(length)) {
      if (b < limit && out.length < length) out += ALPHABET[b % ALPHABET.length];
    }
  }
  return out;
}
