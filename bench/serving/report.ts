import type { TResources } from './meter.ts';
import type { TPromotion } from './promotions.ts';
import type { TSummary } from './recorder.ts';

export type TOpenRow = { batching: boolean; rate: number; s: TSummary; r: TResources; overflow: number };
export type TClosedRow = { batching: boolean; concurrency: number; s: TSummary; r: TResources };
export type TPromotionRun = { rate: number; s: TSummary; r: TResources; promotions: TPromotion[] };
export type TReport = {
  header: string[];
  open: TOpenRow[];
  closed: TClosedRow[];
  promotions: TPromotionRun | null;
  notes: string[];
};

const f0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '∞');
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '∞');
const on = (b: boolean) => (b ? 'on' : 'off');
const errors = (s: TSummary) => {
  const e = Object.entries(s.errors);
  return e.length ? e.map(([k, n]) => `${n} × ${k}`).join(', ') : '0';
};
/** Worker RSS peaks, then the primary's in brackets (it only hands out connections). */
const rss = (r: TResources) => {
  const workers = r.serving.filter((p) => p.role === 'worker').map((p) => f0(p.peakRssMb));
  const primary = r.serving.find((p) => p.role === 'primary');
  return `${workers.join(' / ')}${primary ? ` (primary ${f0(primary.peakRssMb)})` : ''}`;
};
/** CPU milliseconds per answered turn: serving / PostgreSQL / Redis / generator / rest of the machine. */
const cpu = (s: TSummary, r: TResources) => {
  const per = (sec: number) => (s.ok ? ((sec * 1000) / s.ok).toFixed(2) : '–');
  const serving = r.serving.reduce((t, p) => t + p.cpuS, 0);
  return [serving, r.postgresCpuS, r.redisCpuS, r.generator.cpuS, r.otherCpuS].map(per).join(' / ');
};
const lat = (s: TSummary) =>
  `${f1(s.latency.p50)} | ${f1(s.latency.p95)} | ${f1(s.latency.p99)} | ${f0(s.latency.max)}`;

export function markdown(rep: TReport): string {
  const out = [...rep.header, ''];
  out.push('## Open loop: steady offered rate, latency from each turn’s scheduled send time', '');
  out.push(
    '| micro-batching | offered turns/s | achieved turns/s | p50 ms | p95 ms | p99 ms | max ms | errors | wrong replies | generator lag p99 ms | serving peak RSS MB (workers) | generator peak RSS MB | CPU ms/turn: serving / pg / redis / generator / other | load avg 1 min |',
    '|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---|---:|---|---:|',
  );
  const rows = [...rep.open].sort((x, y) => x.rate - y.rate || Number(y.batching) - Number(x.batching));
  for (const { batching, rate, s, r } of rows) {
    out.push(
      `| ${on(batching)} | ${rate} | ${f0(s.turnsPerS)} | ${lat(s)} | ${errors(s)} | ${s.unexpected} | ${f1(s.sendLag.p99)} | ${rss(r)} | ${f0(r.generator.maxRssMb)} | ${cpu(s, r)} | ${r.load1.toFixed(2)} |`,
    );
  }
  out.push('', '## Saturation: closed loop, growing concurrency', '');
  out.push(
    '| micro-batching | concurrency | turns/s | p50 ms | p95 ms | p99 ms | max ms | errors | serving peak RSS MB (workers) | generator peak RSS MB | CPU ms/turn: serving / pg / redis / generator / other | load avg 1 min |',
    '|---|---:|---:|---:|---:|---:|---:|---|---|---:|---|---:|',
  );
  for (const { batching, concurrency, s, r } of rep.closed) {
    out.push(
      `| ${on(batching)} | ${concurrency} | ${f0(s.turnsPerS)} | ${lat(s)} | ${errors(s)} | ${rss(r)} | ${f0(r.generator.maxRssMb)} | ${cpu(s, r)} | ${r.load1.toFixed(2)} |`,
    );
  }
  for (const batching of [true, false]) {
    const mine = rep.closed.filter((c) => c.batching === batching);
    const best = mine.reduce<TClosedRow | null>(
      (b, c) => (!b || c.s.turnsPerS > b.s.turnsPerS ? c : b),
      null,
    );
    if (best)
      out.push(
        '',
        `**Saturation, micro-batching ${on(batching)}: ${f0(best.s.turnsPerS)} turns/s** at concurrency ${best.concurrency}, p99 ${f1(best.s.latency.p99)} ms.`,
      );
  }
  if (rep.promotions) out.push('', ...promotionSection(rep.promotions));
  if (rep.notes.length) out.push('', '## Notes', '', ...rep.notes.map((n) => `- ${n}`));
  return `${out.join('\n')}\n`;
}

function promotionSection(p: TPromotionRun): string[] {
  const worst = p.promotions.map((x) => Math.max(...x.workerMs));
  const sorted = [...worst].sort((x, y) => x - y);
  const median = sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
  const failed = p.s.turns - p.s.ok;
  const lines = [
    `## Hot swap: ${p.promotions.length} promotions under ${p.rate} turns/s open-loop load`,
    '',
    `**Failed requests during the window: ${failed}** (${errors(p.s)}); wrong replies ${p.s.unexpected}. ` +
      `**Every worker on the new version within: max ${f0(Math.max(0, ...worst))} ms, p50 ${f0(median)} ms** ` +
      `after the alias move committed (target ≤ 1000 ms). ` +
      `Turns ${p.s.turns}, achieved ${f0(p.s.turnsPerS)} turns/s, p50 ${f1(p.s.latency.p50)} / p99 ${f1(p.s.latency.p99)} / max ${f0(p.s.latency.max)} ms; ` +
      `serving peak RSS ${rss(p.r)} MB, generator ${f0(p.r.generator.maxRssMb)} MB, load avg ${p.r.load1.toFixed(2)}.`,
    '',
    '| # | to | moveAlias ms | per-worker swap ms (/readyz, every 5 ms) | last old-version chat answer ms (turns sent after the move, answered before the next) |',
    '|---:|---|---:|---|---:|',
  ];
  for (const [i, x] of p.promotions.entries()) {
    lines.push(
      `| ${i + 1} | ${x.to} | ${f0(x.moveMs)} | ${x.workerMs.map(f0).join(' / ')} | ${f0(x.lastOldAnswerMs)} |`,
    );
  }
  return lines;
}
