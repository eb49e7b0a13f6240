/**
 * Which runs of digit groups are written like a phone number. Customers also write order numbers (10042),
 * tracking numbers, years, prices, dates, versions and addresses; masking those would make logs and dead
 * letters useless, so a run counts as a phone only in a shape people write phones in:
 * - international: `+` or `00` then 8–15 digits, any grouping (`+44 7700 900123`, `0044 20 7946 0958`);
 * - national with a trunk 0 (`07700 900123`, `06.12.34.56.78`, `030 1234567`) or an area code in
 *   parentheses (`(555) 123-4567`), 7–13 digits;
 * - North American `555-123-4567`, `1-555-123-4567`, `555-1234`;
 * - written as one bare run only with 10 or 11 digits (`5551234567`, `07700900123`): a bare 12-digit run is
 *   a FedEx tracking number, a 10-digit run starting with 1 an epoch second;
 * - other groupings of 9+ digits (`7700 900123`), except groups all of one length of 4 or more
 *   (`10042 10043` is two orders, `2019 2020 2021` three years).
 * Never: dates (`2026-11-26`, `26.11.2026`), IPv4 addresses, decimals (`1299.99`), `.` mixed with other
 * separators (`0.5 12345`). A `/` is not a separator, so `030/1234567` stays readable: consciously, since
 * it also writes fractions and paths.
 */
export type TGroup = {
  digits: string;
  /** What stands between this group and the one before: '', ' ', '-' or '.'. */
  sep: string;
  paren: boolean;
  plus: boolean;
};

const isDate = (lengths: number[]) =>
  lengths.length === 3 &&
  ((lengths[0] === 4 && lengths[1]! <= 2 && lengths[2]! <= 2) ||
    (lengths[2] === 4 && lengths[0]! <= 2 && lengths[1]! <= 2));

/**
 * `part`: the groups are part of a longer run of numbers, where only the unmistakable shapes count (a
 * `+`, a trunk 0, parentheses, North American): grouped tracking numbers and IBANs end in runs like
 * `5678 9012 34` or `0567 8901 23` that would pass otherwise.
 */
export function isPhoneShape(groups: TGroup[], { part = false } = {}): boolean {
  const digits = groups.map((g) => g.digits).join('');
  const n = digits.length;
  const lengths = groups.map((g) => g.digits.length);
  const seps = new Set(
    groups
      .slice(1)
      .map((g) => g.sep)
      .filter(Boolean),
  );
  if (groups[0]?.plus) return n >= 8 && n <= 15;
  if (digits.startsWith('00') && groups[0]!.digits.length <= 4) return n >= 10 && n <= 17;
  if (n < 7 || n > 13) return false;
  // Inside a longer run, groups of four are the rest of a tracking number or an IBAN ("… 0567 8901 23").
  if (part && lengths.length > 1 && lengths.slice(0, -1).every((l) => l === 4)) return false;
  if (groups.length === 1) return (n === 10 && digits[0] !== '1') || (n === 11 && '01'.includes(digits[0]!));
  if (seps.has('.') && seps.size > 1) return false;
  if (isDate(lengths)) return false;
  if (groups.some((g) => g.paren) || digits[0] === '0') return true;
  const shape = lengths.join(',');
  if (shape === '3,3,4' || (shape === '1,3,3,4' && digits[0] === '1')) return true;
  if (shape === '3,4') return seps.has('-') && seps.size === 1;
  if (seps.has('.') || part) return false;
  if (n < 9 || lengths.some((l) => l < 2 || l > 6)) return false;
  return !(lengths[0]! >= 4 && lengths.every((l) => l === lengths[0]));
}
