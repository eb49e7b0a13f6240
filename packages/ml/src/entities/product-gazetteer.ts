import { type TToken, tokenize } from './product-tokens.ts';
import { SCORE, type TCandidate } from './types.ts';

export type TProductEntry = string | { name: string; aliases?: readonly string[] };

type TrieNode = { next: Map<string, TrieNode>; product?: string; exact?: boolean };

/** A catalogue compiled once into a word trie; `find` then costs one map lookup per word of the message. */
export type ProductGazetteer = {
  readonly size: number;
  find(text: string, tokens?: readonly TToken[]): TCandidate[];
};

const PARENTHESES_RE = /\s*[([][^)\]]*[)\]]\s*/g;

function keysOf(phrase: string): string[] {
  return tokenize(phrase).map((t) => t.key);
}

/** Spellings of one name: as given, without its parenthesised part, with hyphenated words glued. */
function variantsOf(name: string): string[][] {
  const out = [keysOf(name), keysOf(name.replace(PARENTHESES_RE, ' '))];
  if (/[-‐]/.test(name)) out.push(keysOf(name.replace(/([\p{L}\p{N}])[-‐](?=[\p{L}\p{N}])/gu, '$1')));
  return out.filter((keys) => keys.length > 0);
}

function insert(root: TrieNode, keys: readonly string[], product: string, exact: boolean) {
  let node = root;
  for (const k of keys) {
    let child = node.next.get(k);
    if (!child) {
      child = { next: new Map() };
      node.next.set(k, child);
    }
    node = child;
  }
  // A product's own name beats another product's derived variant; between variants, the first listed wins.
  if (node.product === undefined || (exact && !node.exact)) {
    node.product = product;
    node.exact = exact;
  }
}

/**
 * Compiles catalogue names (optionally with aliases) for case-, punctuation- and plural-insensitive
 * matching; where names overlap in a message the longest one wins ("Pro Max Case" over "Pro Max").
 */
export function createProductGazetteer(entries: readonly TProductEntry[]): ProductGazetteer {
  const root: TrieNode = { next: new Map() };
  for (const entry of entries) {
    const name = typeof entry === 'string' ? entry : entry.name;
    const [own, ...derived] = variantsOf(name);
    if (own) insert(root, own, name, true);
    for (const keys of derived) insert(root, keys, name, false);
    if (typeof entry !== 'string')
      for (const alias of entry.aliases ?? []) insert(root, keysOf(alias), name, true);
  }
  return {
    size: entries.length,
    find(text, tokens = tokenize(text)) {
      const out: TCandidate[] = [];
      for (let i = 0; i < tokens.length; ) {
        let node: TrieNode | undefined = root;
        let best: { product: string; j: number } | undefined;
        for (let j = i; j < tokens.length && node; j++) {
          node = node.next.get(tokens[j]!.key);
          if (node?.product !== undefined) best = { product: node.product, j };
        }
        if (!best) {
          i++;
          continue;
        }
        const start = tokens[i]!.start;
        const end = tokens[best.j]!.end;
        out.push({ type: 'product', value: best.product, start, end, score: SCORE.product });
        i = best.j + 1;
      }
      return out;
    },
  };
}
