// Entity extraction on bitext-llm-tagged: per-type precision/recall/F1 against Bitext's gold spans, and
// the time per message. Usage: npx tsx bench/entities/run.ts [--split=test] [--show=5] [--data=file.jsonl]
import path from 'node:path';
import {
  createProductGazetteer,
  ENTITY_TYPES,
  extractEntities,
  scoreSpans,
  type TEntity,
} from '../../packages/ml/src/entities/index.ts';
import { GOLD_TYPES, readBitext } from './bitext.ts';
import { DEMO_CATALOGUE } from './catalogue.ts';
import { RICH_MESSAGES } from './messages.ts';
import { timeExtraction } from './timing.ts';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const DATA = process.env.ACSA_SHARED_DATA ?? path.resolve(import.meta.dirname, '../../../shared/data');
const file = args.data ?? path.join(DATA, 'bitext-llm-tagged/bitext-llm-tagged.jsonl');
const split: string = args.split ?? 'all';
const show = Number(args.show ?? 0);
const rssMb = () => (process.resourceUsage().maxRSS / 1024).toFixed(0);

const rows = readBitext(file).filter((r) => split === 'all' || r.split === split);
const scored = [...new Set(Object.values(GOLD_TYPES))];
const docs = rows.map((r) => ({ row: r, gold: r.gold, predicted: extractEntities(r.text) }));
const pct = (x: number) => (100 * x).toFixed(1).padStart(6);

console.log(
  `bitext-llm-tagged (${split}): ${rows.length} messages, ${docs.reduce((s, d) => s + d.gold.length, 0)} gold spans of mapped types`,
);
console.log(
  'gold→ours: order_id→order_id, invoice_id→invoice_id, refund_amount→amount, person_name→person_name\n',
);
// Bitext's amount spans hold the number alone ("1499" of "1499 dollars"); ours include the currency, so
// exact matching compares the number inside our span.
const numberOnly = (text: string, e: TEntity): TEntity => {
  if (e.type !== 'amount') return e;
  const m = /\d(?:[\d.,']*\d)?/.exec(text.slice(e.start, e.end));
  return m ? { ...e, start: e.start + m.index, end: e.start + m.index + m[0].length } : e;
};
const exactDocs = docs.map((d) => ({ ...d, predicted: d.predicted.map((p) => numberOnly(d.row.text, p)) }));
const exact = scoreSpans(exactDocs, { match: 'exact', types: scored });
const overlap = scoreSpans(docs, { match: 'overlap', types: scored });
console.log('type          gold  pred | overlap:  P      R      F1 | exact:  P      R      F1');
for (const [i, o] of overlap.entries()) {
  const e = exact[i]!;
  console.log(
    `${o.type.padEnd(12)} ${String(o.gold).padStart(5)} ${String(o.predicted).padStart(5)} |      ${pct(o.precision)} ${pct(o.recall)} ${pct(o.f1)} |  ${pct(e.precision)} ${pct(e.recall)} ${pct(e.f1)}`,
  );
}

// Bitext tags at most one entity per message, so a prediction in an untagged message may be a real
// entity the gold lacks (e.g. the amounts of every track_refund message): counted apart to show it.
for (const type of scored) {
  const fp = docs.flatMap((d) =>
    d.predicted.filter((p) => p.type === type && !d.gold.some((g) => g.type === type)).map((p) => ({ d, p })),
  );
  const untagged = fp.filter(({ d }) => d.gold.length === 0 && d.row.unmappedGold === 0).length;
  if (fp.length)
    console.log(
      `${type}: ${fp.length} predictions in messages without a gold ${type}, ${untagged} of them in messages with no gold entity at all`,
    );
}

// Precision where Bitext does tag the type: only messages of intents that carry at least one gold span of it.
const intentsWith = (type: string) =>
  new Set(docs.filter((d) => d.gold.some((g) => g.type === type)).map((d) => d.row.intent));
for (const type of scored) {
  const intents = intentsWith(type);
  const [s] = scoreSpans(
    docs.filter((d) => intents.has(d.row.intent)),
    { match: 'overlap', types: [type] },
  );
  console.log(
    `${type}: precision within the ${intents.size} intents Bitext tags it in: ${pct(s!.precision)}%`,
  );
}

const orderHits = docs.flatMap((d) =>
  d.gold
    .filter((g) => g.type === 'order_id')
    .map((g) => ({
      g,
      p: d.predicted.find((p) => p.type === 'order_id' && p.start < g.end && g.start < p.end),
    })),
);
const sameValue = orderHits.filter(({ g, p }) => p && p.value === g.value).length;
console.log(`order_id value equal to Bitext's normalised value: ${sameValue}/${orderHits.length}`);

const other = new Map<string, number>();
for (const d of docs)
  for (const p of d.predicted) if (!scored.includes(p.type)) other.set(p.type, (other.get(p.type) ?? 0) + 1);
console.log(
  `predictions of types Bitext does not tag: ${[...other].map(([t, n]) => `${t} ${n}`).join(', ') || 'none'}`,
);

if (show > 0) {
  const fmt = (text: string, e: { type: string; start: number; end: number }) =>
    `${e.type} "${text.slice(e.start, e.end)}"`;
  for (const type of scored) {
    const misses = docs.filter((d) =>
      d.gold.some(
        (g) =>
          g.type === type && !d.predicted.some((p) => p.type === type && p.start < g.end && g.start < p.end),
      ),
    );
    const extras = docs.filter((d) =>
      d.predicted.some(
        (p: TEntity) =>
          p.type === type && !d.gold.some((g) => g.type === type && p.start < g.end && g.start < p.end),
      ),
    );
    for (const d of misses.slice(0, show))
      console.log(
        `  FN ${type}: ${JSON.stringify(d.row.text)} → ${d.predicted.map((p) => fmt(d.row.text, p)).join(', ') || '∅'}`,
      );
    for (const d of extras.slice(0, show))
      console.log(
        `  FP ${type}: ${JSON.stringify(d.row.text)} → ${d.predicted.map((p) => fmt(d.row.text, p)).join(', ')}`,
      );
  }
}

const texts = rows.map((r) => r.text);
const buildMs = () => {
  const t0 = performance.now();
  createProductGazetteer(DEMO_CATALOGUE);
  return performance.now() - t0;
};
const coldBuildMs = buildMs(); // the first build also pays for compiling the tokeniser's code
const warmBuilds = Array.from({ length: 15 }, buildMs).sort((a, b) => a - b);
const warmBuildMs = warmBuilds[7]!; // median: single builds swing with GC pauses
const gazetteer = createProductGazetteer(DEMO_CATALOGUE);
console.log(
  `\nspeed (${texts.length} messages, mean ${(texts.reduce((s, t) => s + t.length, 0) / texts.length).toFixed(0)} chars; types: ${ENTITY_TYPES.join(', ')})`,
);
const richMean = RICH_MESSAGES.reduce((s, t) => s + t.length, 0) / RICH_MESSAGES.length;
for (const [label, set, options] of [
  ['bitext, no catalogue', texts, {}],
  [`bitext, ${gazetteer.size} products`, texts, { products: gazetteer }],
  [
    `rich (${RICH_MESSAGES.length} msgs, ~${richMean.toFixed(0)} ch), ${gazetteer.size} products`,
    RICH_MESSAGES,
    { products: gazetteer },
  ],
] as const) {
  const t = timeExtraction(set, options);
  console.log(
    `  ${label.padEnd(40)} mean ${t.meanUs.toFixed(1)} µs/message, p50 ${t.p50Us.toFixed(1)}, p99 ${t.p99Us.toFixed(1)} µs, peak RSS ${rssMb()} MB`,
  );
}
console.log(
  `  gazetteer build for ${gazetteer.size} names: ${coldBuildMs.toFixed(1)} ms cold, ${warmBuildMs.toFixed(1)} ms warm (median of 15), peak RSS ${rssMb()} MB`,
);
