import type { TArticleView } from './types.ts';

const STOP = new Set(
  'the and for you your our can how what when where why who does did are was were with this that have has not from into about please want need would could there their them just get got'.split(
    ' ',
  ),
);

/** Lower-case words of 3+ letters, crude plural folding: enough to tell an intent's few articles apart. */
export function keywords(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.toLowerCase().match(/[a-z]{3,}/g) ?? []) {
    if (STOP.has(raw)) continue;
    out.push(raw.length > 4 && raw.endsWith('s') ? raw.slice(0, -1) : raw);
  }
  return out;
}

/** An intent's article with its words counted once, when the intent's articles are fetched, not per turn. */
export type TArticleChoice = {
  article: TArticleView;
  /** Words of the title and tags: a hit here counts double. */
  heading: ReadonlySet<string>;
  body: ReadonlySet<string>;
};

export const articleChoices = (candidates: TArticleView[]): TArticleChoice[] =>
  candidates.map((article) => ({
    article,
    heading: new Set(keywords(`${article.title} ${article.tags.join(' ')}`)),
    body: new Set(keywords(article.body)),
  }));

const hits = (words: string[], field: ReadonlySet<string>) =>
  words.reduce((n, w) => n + (field.has(w) ? 1 : 0), 0);

/**
 * Chooses among an intent's articles (already in primary-first order) by the customer's words: a title or
 * tag hit counts double a body hit. Done here, not in SQL, so the candidates can be cached per intent and
 * an FAQ turn costs no database round-trip at all.
 */
export function pickArticle(choices: TArticleChoice[], text: string): TArticleView | null {
  const words = keywords(text);
  let best: TArticleView | null = null;
  let bestScore = -1;
  for (const c of choices) {
    const score = 2 * hits(words, c.heading) + hits(words, c.body);
    if (score > bestScore) {
      best = c.article;
      bestScore = score;
    }
  }
  return best;
}
