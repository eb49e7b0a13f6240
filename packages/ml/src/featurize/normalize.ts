/**
 * Text normalisation shared by training and serving. Any change here changes the features a trained model
 * sees, so it must come with a bump of FEATURIZER_VERSION (featurizer-config.ts).
 */
const COMBINING_MARKS = /\p{M}+/gu;
const TOKEN = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;

export function normalizeText(text: string): string {
  return text.normalize('NFKD').replace(COMBINING_MARKS, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * Word tokens of normalised text. Digits collapse to one shape token per length class, so order numbers,
 * amounts and dates generalise instead of each becoming a feature seen once.
 */
export function tokenize(normalized: string): string[] {
  const out: string[] = [];
  for (const m of normalized.matchAll(TOKEN)) {
    const tok = m[0].replace(/’/g, "'");
    out.push(/\d/.test(tok) ? digitShape(tok) : tok);
  }
  return out;
}

function digitShape(tok: string): string {
  const letters = /\p{L}/u.test(tok);
  const digits = tok.replace(/\D/g, '').length;
  const size = digits <= 2 ? 's' : digits <= 4 ? 'm' : 'l';
  return letters ? `#a${size}` : `#${size}`;
}
