import { ACTION_FRAMES, CLOSERS, OPENERS, REQUEST_FRAMES, SALUTATIONS, SIGN_OFFS } from './frames.ts';
import { addTypos, casual } from './noise.ts';
import type { TRandom } from './prng.ts';
import { render, type TDraft, type TDraftEntity, type TSlots, tidy } from './template.ts';
import type { TIntentTemplates } from './templates/types.ts';

/**
 * How often each variation is applied. They shape what the first model learns is noise: raise `typo` and it
 * tolerates more misspellings but learns fewer exact keywords.
 */
const RATES = {
  opener: 0.22,
  closer: 0.15,
  letter: 0.04,
  context: 0.22,
  after: 0.15,
  casual: 0.25,
  typo: 0.2,
  defaultShout: 0.02,
};

/** Relative weight of each way to phrase the request, for intents that have it. */
const SHAPE_WEIGHTS = { action: 3, ask: 2, sentence: 3, terse: 1 } as const;
type TShape = keyof typeof SHAPE_WEIGHTS;

/** An intent's templates, the slots they may use (`<action>` and `<ask>` included), and its request sources. */
export type TIntentPlan = {
  templates: TIntentTemplates;
  slots: TSlots;
  shapes: readonly { shape: TShape; weight: number; sources: readonly string[] }[];
  totalWeight: number;
};

export function planIntent(templates: TIntentTemplates, slots: TSlots): TIntentPlan {
  const words = {
    ...slots.words,
    ...templates.words,
    action: templates.actions ?? [],
    ask: templates.asks ?? [],
  };
  const sources: Record<TShape, readonly string[]> = {
    action: templates.actions?.length ? ACTION_FRAMES : [],
    ask: templates.asks?.length ? REQUEST_FRAMES : [],
    sentence: templates.sentences,
    terse: templates.terse ?? [],
  };
  const shapes = (Object.keys(SHAPE_WEIGHTS) as TShape[])
    .filter((shape) => sources[shape].length > 0)
    .map((shape) => ({ shape, weight: SHAPE_WEIGHTS[shape], sources: sources[shape] }));
  const totalWeight = shapes.reduce((sum, s) => sum + s.weight, 0);
  return { templates, slots: { ...slots, words }, shapes, totalWeight };
}

type TDraftContext = { plan: TIntentPlan; random: TRandom; entities: TDraftEntity[] };

function part(ctx: TDraftContext, source: string): string {
  return render(source, ctx.random, ctx.plan.slots, ctx.entities);
}

/**
 * An optional part, at `rate`. One that names a second order, email or person ("…order 10042. The order
 * number is 10317") reads as a contradiction, so it is left out and its placeholders are dropped with it.
 */
function extra(ctx: TDraftContext, sources: readonly string[] | undefined, rate: number): string | undefined {
  if (!sources?.length || !ctx.random.chance(rate)) return undefined;
  const before = ctx.entities.length;
  const text = part(ctx, ctx.random.pick(sources));
  for (let i = before; i < ctx.entities.length; i++) {
    const type = ctx.entities[i]?.type;
    if (ctx.entities.slice(0, before).some((e) => e.type === type)) {
      ctx.entities.length = before;
      return undefined;
    }
  }
  return text;
}

function request(ctx: TDraftContext): [TShape, string] {
  let roll = ctx.random.next() * ctx.plan.totalWeight;
  for (const { shape, weight, sources } of ctx.plan.shapes) {
    roll -= weight;
    if (roll < 0) return [shape, part(ctx, ctx.random.pick(sources))];
  }
  return ['sentence', part(ctx, ctx.random.pick(ctx.plan.templates.sentences))];
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
// "I" and its contractions keep their capital when a sentence moves after an opener.
const uncapitalise = (s: string) => (/^I\b/.test(s) ? s : s.charAt(0).toLowerCase() + s.slice(1));
const endSentence = (s: string) => (/[.?!]$/.test(s) ? s : `${s}.`);

/**
 * One utterance of an intent, before entities are spelled out: the request, maybe a sentence of context
 * before or after it, maybe a greeting or a thanks, then the register (casual, capitals) and typos.
 */
export function composeDraft(plan: TIntentPlan, random: TRandom): TDraft {
  const t = plan.templates;
  const ctx: TDraftContext = { plan, random, entities: [] };
  const [shape, core] = request(ctx);
  const context = extra(ctx, t.context, RATES.context);
  const after = extra(ctx, t.after, RATES.after);
  const sentences = [context, core, after].filter((s) => s !== undefined);

  let text: string;
  if (!t.standalone && shape !== 'terse' && random.chance(RATES.letter)) {
    // Contact-form style: every sentence complete and capitalised.
    const body = sentences.map((s) => endSentence(capitalise(s))).join(' ');
    text = `${part(ctx, random.pick(SALUTATIONS))} ${body} ${extra(ctx, SIGN_OFFS, 1) ?? 'Regards'}`;
  } else {
    text = sentences
      .map((s, i) => (i < sentences.length - 1 ? endSentence(capitalise(s)) : capitalise(s)))
      .join(' ');
    const opener = t.standalone ? undefined : extra(ctx, OPENERS, RATES.opener);
    if (opener !== undefined) {
      const joint = random.pick([', ', '! ', '. ', ' ']);
      text = `${capitalise(opener)}${joint}${joint === ', ' || joint === ' ' ? uncapitalise(text) : text}`;
    }
    const closer = t.standalone ? undefined : extra(ctx, CLOSERS, RATES.closer);
    // "…, please. please" is noise nobody types twice.
    if (closer !== undefined && !(closer.includes('please') && text.includes('please'))) {
      text = `${text}${random.pick([' ', ', ', '. '])}${closer}`;
    }
    // Keyword messages are usually typed as they are: no capital, no full stop.
    if (shape === 'terse' && sentences.length === 1 && random.chance(0.7)) text = uncapitalise(text);
  }

  if (random.chance(t.shout ?? RATES.defaultShout)) text = text.toUpperCase();
  else if (random.chance(RATES.casual)) text = casual(text, random);
  if (random.chance(RATES.typo)) text = addTypos(text, random, random.chance(0.7) ? 1 : 2);
  return { text: tidy(text), entities: ctx.entities };
}
