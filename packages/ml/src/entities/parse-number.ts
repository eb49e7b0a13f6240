/**
 * Reads a number as people write prices: "1,299.00", "1.299,00", "49,99", "1 299", "12". When only one
 * kind of separator appears, a single one followed by one or two digits is the decimal mark; anything
 * else groups thousands. Returns NaN when the digits do not make a number.
 */
export function parseLocaleNumber(raw: string): number {
  const s = raw.replace(/[\s\u00a0\u202f']/g, '');
  const lastDot = s.lastIndexOf('.');
  const lastComma = s.lastIndexOf(',');
  let decimalAt = -1;
  if (lastDot >= 0 && lastComma >= 0) decimalAt = Math.max(lastDot, lastComma);
  else {
    const sep = lastDot >= 0 ? '.' : lastComma >= 0 ? ',' : '';
    if (sep) {
      const at = s.lastIndexOf(sep);
      const single = s.indexOf(sep) === at;
      const tail = s.length - at - 1;
      if (single && tail >= 1 && tail <= 2) decimalAt = at;
    }
  }
  const intPart = (decimalAt >= 0 ? s.slice(0, decimalAt) : s).replace(/[.,]/g, '');
  const frac = decimalAt >= 0 ? s.slice(decimalAt + 1) : '';
  if (!/^\d+$/.test(intPart) || !/^\d*$/.test(frac)) return Number.NaN;
  return Number(frac ? `${intPart}.${frac}` : intPart);
}
