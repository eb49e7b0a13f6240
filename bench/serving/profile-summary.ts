/**
 * Where a serving worker's CPU goes: self time of a V8 CPU profile (`run.ts --cpu-prof` writes them to
 * bench/serving/out/prof-*), grouped by package or source folder, and the top functions.
 * Usage: npx tsx bench/serving/profile-summary.ts <file.cpuprofile> [--top 25]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

type TNode = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
};
type TProfile = {
  nodes: TNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
};

/** Groups a script URL: a package under node_modules, a folder of ours, Node's internals, or V8's own. */
export function groupOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const nm = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (nm) return nm[1] as string;
  const ours = url.match(
    /\/work\/[^/]+\/((?:apps|packages)\/[^/]+\/src\/[^/]+|pipelines\/src|prisma\/generated)/,
  );
  if (ours) return (ours[1] as string).replace(/\.ts$/, '');
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  return url;
}

export function summarize(profile: TProfile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (const [i, id] of profile.samples.entries())
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  const groups = new Map<string, number>();
  const fns = new Map<string, number>();
  let total = 0;
  for (const [id, ms] of self) {
    const { callFrame: c } = byId.get(id) as TNode;
    if (c.functionName === '(idle)') continue;
    total += ms;
    const g = groupOf(c.url, c.functionName);
    groups.set(g, (groups.get(g) ?? 0) + ms);
    const key = `${c.functionName || '(anonymous)'} ${c.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/\/work\/[^/]+\//, '')}:${c.lineNumber + 1}`;
    fns.set(key, (fns.get(key) ?? 0) + ms);
  }
  const sort = (m: Map<string, number>) => [...m].sort((x, y) => y[1] - x[1]);
  return {
    totalMs: total,
    wallMs: (profile.endTime - profile.startTime) / 1000,
    groups: sort(groups),
    fns: sort(fns),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({
    options: { top: { type: 'string', default: '25' } },
    allowPositionals: true,
  });
  for (const file of positionals) {
    const s = summarize(JSON.parse(readFileSync(file, 'utf8')) as TProfile);
    const pct = (ms: number) => `${((100 * ms) / s.totalMs).toFixed(1).padStart(5)}%`;
    console.log(`${file}: ${s.totalMs.toFixed(0)} ms busy of ${s.wallMs.toFixed(0)} ms\n`);
    for (const [g, ms] of s.groups.slice(0, Number(values.top))) console.log(`${pct(ms)}  ${g}`);
    console.log('');
    for (const [f, ms] of s.fns.slice(0, Number(values.top))) console.log(`${pct(ms)}  ${f}`);
    console.log('');
  }
}
