import { allMatches } from './regex.ts';
import { SCORE, type TCandidate } from './types.ts';

// Pragmatic, not RFC 5322: what people type in a chat. The TLD needs two letters so "a@b.c" is not an
// address, and a trailing dot ends the sentence rather than the domain.
const EMAIL_RE =
  /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}(?![\p{L}\p{N}@])/gu;

export function findEmails(text: string): TCandidate[] {
  if (!text.includes('@')) return [];
  const out: TCandidate[] = [];
  for (const m of allMatches(EMAIL_RE, text)) {
    const surface = m[0];
    out.push({
      type: 'email',
      value: surface.toLowerCase(),
      start: m.index,
      end: m.index + surface.length,
      score: SCORE.email,
    });
  }
  return out;
}
