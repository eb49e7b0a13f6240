import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';

/** Linux /proc readings: peak memory and CPU time of the processes a phase involves. */

const TICKS_PER_SECOND = 100;

const read = (file: string): string | null => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
};

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
function statFields(pid: number): string[] | null {
  const text = read(`/proc/${pid}/stat`);
  if (!text) return null;
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** CPU seconds (user + system) the process has used so far; 0 once it is gone. */
export function cpuSeconds(pid: number): number {
  const f = statFields(pid);
  if (!f) return 0;
  // utime and stime are fields 14 and 15 of stat; after the name, fields start at 3.
  return (Number(f[11]) + Number(f[12])) / TICKS_PER_SECOND;
}

/** Child processes of `pid` named `comm` (tsx's esbuild service is a child too, and is not serving). */
export function childrenOf(pid: number, comm = 'node'): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const f = statFields(Number(entry));
    if (f && Number(f[1]) === pid && read(`/proc/${entry}/comm`)?.trim() === comm) out.push(Number(entry));
  }
  return out;
}

export function pidsByName(name: string): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e) && read(`/proc/${e}/comm`)?.trim() === name)
    .map(Number);
}

/** Peak resident set since start or since the last resetPeak, in MB (VmHWM). */
export function peakRssMb(pid: number): number {
  const m = read(`/proc/${pid}/status`)?.match(/VmHWM:\s+(\d+) kB/);
  return m ? Number(m[1]) / 1024 : 0;
}

/** Starts a new peak-RSS window for the process (Linux clear_refs "5" resets VmHWM to the current RSS). */
export function resetPeak(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // not ours or gone: its peak then covers its whole life
  }
}

/** Busy and total CPU seconds of the whole machine since boot (all cores). */
export function machineCpu(): { busy: number; total: number } {
  const line = read('/proc/stat')?.split('\n')[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.reduce((s, x) => s + x, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: (total - idle) / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND };
}

/** The 1, 5 and 15-minute load averages, as printed beside every figure. */
export const loadAverages = (): string =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(', ');

/** A TCP port nobody listens on right now, on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}
