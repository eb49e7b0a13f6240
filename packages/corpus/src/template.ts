import type { TEntityType } from './entities.ts';
import type { TRandom } from './prng.ts';

/**
 * A tiny template language: `{a|b|c}` picks one alternative, `[x]` includes x half the time, `<name>` fills a
 * slot (an entity or a word list). Alternatives nest. Templates stay readable as sentences, which is what
 * keeps hundreds of them reviewable.
 */
type TNode =
  | { kind: 'text'; text: string }
  | { kind: 'alt'; options: TNode[][] }
  | { kind: 'opt'; body: TNode[] }
  | { kind: 'slot'; name: string };

/** A rendered entity before noise; its place in the draft text is one private-use character. */
export type TDraftEntity = { type: TEntityType; value: string; surface: string };

/**
 * Text in which each entity is a single placeholder character (U+E000 + index). Noise edits the text freely
 * and cannot touch a placeholder, so spans stay exact whatever typos are applied around them.
 */
export type TDraft = { text: string; entities: TDraftEntity[] };

export type TSlotFill = string | ({ prefix?: string } & TDraftEntity);
export type TSlots = {
  entity: Record<string, (random: TRandom) => TSlotFill>;
  words: Record<string, readonly string[]>;
};

export const PLACEHOLDER_BASE = 0xe000;

const cache = new Map<string, TNode[]>();

function parse(source: string): TNode[] {
  let pos = 0;
  const seq = (stops: string): TNode[] => {
    const nodes: TNode[] = [];
    let text = '';
    const flush = () => {
      if (text) nodes.push({ kind: 'text', text });
      text = '';
    };
    while (pos < source.length) {
      const ch = source[pos] as string;
      if (stops.includes(ch)) break;
      if ('|}]'.includes(ch)) throw new Error(`unbalanced '${ch}' at ${pos} in template: ${source}`);
      pos++;
      if (ch === '{') {
        flush();
        const options = [seq('|}')];
        while (source[pos] === '|') {
          pos++;
          options.push(seq('|}'));
        }
        expect('}');
        nodes.push({ kind: 'alt', options });
      } else if (ch === '[') {
        flush();
        const body = seq(']');
        expect(']');
        nodes.push({ kind: 'opt', body });
      } else if (ch === '<') {
        flush();
        const end = source.indexOf('>', pos);
        if (end < 0) throw new Error(`unclosed <slot> in template: ${source}`);
        nodes.push({ kind: 'slot', name: source.slice(pos, end) });
        pos = end + 1;
      } else text += ch;
    }
    flush();
    return nodes;
  };
  const expect = (ch: string) => {
    if (source[pos] !== ch) throw new Error(`expected '${ch}' at ${pos} in template: ${source}`);
    pos++;
  };
  const nodes = seq('');
  if (pos !== source.length) throw new Error(`unbalanced template: ${source}`);
  return nodes;
}

function compiled(source: string): TNode[] {
  let nodes = cache.get(source);
  if (!nodes) {
    nodes = parse(source);
    cache.set(source, nodes);
  }
  return nodes;
}

type TRenderContext = { random: TRandom; slots: TSlots; entities: TDraftEntity[] };

/**
 * Renders a template to text in which entities are placeholders; their details are appended to `entities`
 * (shared by every part of one utterance, so placeholder numbers stay unique). The result is trimmed but may
 * hold the double spaces an empty alternative leaves: `tidy` the whole message once, which is cheaper.
 */
export function render(source: string, random: TRandom, slots: TSlots, entities: TDraftEntity[]): string {
  return emit(compiled(source), { random, slots, entities }).trim();
}

// Plain recursive functions, no closures per call: rendering is the generator's hot loop.
function emit(nodes: readonly TNode[], ctx: TRenderContext): string {
  let out = '';
  for (const node of nodes) {
    if (node.kind === 'text') out += node.text;
    else if (node.kind === 'alt') out += emit(ctx.random.pick(node.options), ctx);
    else if (node.kind === 'opt') {
      if (ctx.random.chance(0.5)) out += emit(node.body, ctx);
    } else out += fillSlot(node.name, ctx);
  }
  return out;
}

function fillSlot(name: string, ctx: TRenderContext): string {
  const entity = ctx.slots.entity[name];
  if (entity) {
    const fill = entity(ctx.random);
    if (typeof fill === 'string') return fill;
    const { prefix = '', ...rest } = fill;
    ctx.entities.push(rest);
    return prefix + String.fromCharCode(PLACEHOLDER_BASE + ctx.entities.length - 1);
  }
  const words = ctx.slots.words[name];
  if (!words) throw new Error(`unknown slot <${name}>`);
  return emit(compiled(ctx.random.pick(words)), ctx);
}

/**
 * Single spaces, no space before punctuation, no "?." or ",,": what an empty `{…|}` alternative leaves. And
 * "a"/"an" agreeing with the word that follows, since word lists mix "invoice" with "bill".
 */
export function tidy(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/ ([,.?!])/g, '$1')
    .replace(/([,.?!]),/g, '$1')
    .replace(/([?!])\./g, '$1')
    .replace(/\b([Aa])(n?) (?=([A-Za-z]+))/g, (_, a: string, n: string, next: string) => {
      const an = /^[aeiou]/i.test(next) && !/^(?:uni|use|usu|one|eu)/i.test(next);
      if (an === (n !== '')) return `${a}${n} `;
      return an ? `${a}${next === next.toUpperCase() && next.length > 1 ? 'N' : 'n'} ` : `${a} `;
    })
    .trim();
}
