import type { TRandom } from '@acsa/corpus/prng';

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/**
 * A UUIDv7 whose time part is the row's own timestamp and whose random part comes from the seed stream:
 * the same seed gives the same ids (so a re-seeded database keeps its links), and ids still sort by time
 * like the ones the application creates.
 */
export function uuidv7(at: Date, random: TRandom): string {
  const ms = Math.max(0, at.getTime());
  const high = Math.floor(ms / 0x10000); // upper 32 bits of the 48-bit timestamp
  const low = ms % 0x10000;
  const randA = random.int(0x1000);
  const variant = 0x8000 | random.int(0x4000);
  return `${hex(high, 8)}-${hex(low, 4)}-${hex(0x7000 | randA, 4)}-${hex(variant, 4)}-${hex(random.int(0x1000000), 6)}${hex(random.int(0x1000000), 6)}`;
}
