/**
 * CPU and peak RSS of named groups of processes (serving's workers, the trainer's tree, the bench database's
 * PostgreSQL backends, …), read from /proc: over a whole phase (meter) or per 250 ms of it (cpuTimeline).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpuSeconds, machineCpu, peakRssMb, pidsByName, resetPeak } from './proc-stats.ts';

export type TGroup = { name: string; pids: () => number[] };

/** Every descendant of `pid` (npx → next-server, tsx's helpers, the trainer's step children). */
export function tree(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const s = readFileSync(`/proc/${e}/stat`, 'utf8');
      parentOf.set(Number(e), Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone
    }
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++)
    for (const [child, parent] of parentOf) if (parent === out[i]) out.push(child);
  return out;
}

/** The PostgreSQL backends connected to `dbName`. */
export const pgBackends = (dbName: string) => () =>
  pidsByName('postgres').filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(` ${dbName} `);
    } catch {
      return false;
    }
  });

const groupCpuS = (g: TGroup) => g.pids().reduce((s, p) => s + cpuSeconds(p), 0);
const generatorCpuS = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** CPU seconds and peak RSS per group of processes over one phase. */
export function meter(groups: TGroup[]) {
  const start = new Map<string, number>();
  for (const g of groups) {
    for (const pid of g.pids()) resetPeak(pid);
    start.set(g.name, groupCpuS(g));
  }
  resetPeak(process.pid);
  const machine0 = machineCpu();
  const gen0 = generatorCpuS();
  return () => {
    const rows = groups.map((g) => {
      const pids = g.pids();
      // A process that started during the phase counts from 0; one that ended is lost (rare: step children).
      const cpu = groupCpuS(g) - (start.get(g.name) ?? 0);
      return { name: g.name, cpuS: Math.max(0, cpu), peakRssMb: Math.max(0, ...pids.map(peakRssMb)) };
    });
    rows.push({ name: 'load generator', cpuS: generatorCpuS() - gen0, peakRssMb: peakRssMb(process.pid) });
    const busy = machineCpu().busy - machine0.busy;
    const counted = rows.reduce((s, r) => s + r.cpuS, 0);
    rows.push({ name: 'rest of the machine', cpuS: Math.max(0, busy - counted), peakRssMb: 0 });
    return { rows, busyS: busy };
  };
}

const SAMPLE_MS = 250;

/**
 * Diagnosis (--timeline): each group's CPU, then the generator's and the machine's, in every 250 ms, in cores
 * (1: one core busy throughout), so a slow stretch of turns can be laid beside whoever took the CPU then (the
 * trainer's analytics, a GC, …). A process that starts or ends within a window skews that window.
 */
export function cpuTimeline(groups: TGroup[]): () => string {
  const rows: number[][] = [];
  const sample = () => [...groups.map(groupCpuS), generatorCpuS(), machineCpu().busy];
  let last = sample();
  const timer = setInterval(() => {
    const now = sample();
    rows.push(now.map((v, i) => (v - (last[i] ?? 0)) / (SAMPLE_MS / 1000)));
    last = now;
  }, SAMPLE_MS);
  return () => {
    clearInterval(timer);
    const head = [...groups.map((g) => g.name), 'load generator', 'machine']
      .map((n) => `cpu ${n}`)
      .join('\t');
    return [head, ...rows.map((r) => r.map((v) => v.toFixed(2)).join('\t'))].join('\n');
  };
}
