import { loadavg } from 'node:os';
import type { PrismaClient } from '@acsa/db';
import { cpuSeconds, machineCpu, peakRssMb, pidsByName, resetPeak } from './proc-stats.ts';
import type { TServingProcess } from './serving-process.ts';

export type TResources = {
  wallS: number;
  /** Per serving process: peak RSS within the phase (MB) and CPU seconds used in it. */
  serving: { pid: number; role: 'primary' | 'worker'; peakRssMb: number; cpuS: number }[];
  /** The generator's peak RSS within the phase (its setup, seeding the shop, peaks higher). */
  generator: { cpuS: number; maxRssMb: number };
  /** Backends of the bench database. */
  postgresCpuS: number;
  /** The one Redis server, which other work on this machine may share. */
  redisCpuS: number;
  /** Everything else the machine ran meanwhile (other work, kernel): what the bench does not control. */
  otherCpuS: number;
  load1: number;
};

async function backendPids(prisma: PrismaClient): Promise<number[]> {
  const rows = await prisma.$queryRaw<{ pid: number }[]>`
    SELECT pid FROM pg_stat_activity WHERE datname = current_database()`;
  return rows.map((r) => Number(r.pid));
}

/**
 * CPU and memory of one phase: peak RSS windows reset at its start (VmHWM), CPU seconds by process
 * group, and the machine's total busy time, so the share taken by unrelated work is visible too.
 */
export async function startMeter(serving: TServingProcess, prisma: PrismaClient) {
  const servingPids = serving.all();
  for (const pid of [...servingPids, process.pid]) resetPeak(pid);
  const redisPids = pidsByName('redis-server');
  const startPg = new Map((await backendPids(prisma)).map((pid) => [pid, cpuSeconds(pid)]));
  const startServing = new Map(servingPids.map((pid) => [pid, cpuSeconds(pid)]));
  const startRedis = redisPids.reduce((s, pid) => s + cpuSeconds(pid), 0);
  const startGen = process.cpuUsage();
  const startMachine = machineCpu();
  const started = performance.now();

  return async function stop(): Promise<TResources> {
    const wallS = (performance.now() - started) / 1000;
    const genUsage = process.cpuUsage(startGen);
    const generatorCpuS = (genUsage.user + genUsage.system) / 1e6;
    const servingNow = servingPids.map((pid) => ({
      pid,
      role: pid === serving.primary && servingPids.length > 1 ? ('primary' as const) : ('worker' as const),
      peakRssMb: peakRssMb(pid),
      cpuS: cpuSeconds(pid) - (startServing.get(pid) ?? 0),
    }));
    const redisCpuS = redisPids.reduce((s, pid) => s + cpuSeconds(pid), 0) - startRedis;
    let postgresCpuS = 0;
    for (const pid of await backendPids(prisma)) postgresCpuS += cpuSeconds(pid) - (startPg.get(pid) ?? 0);
    const machine = machineCpu();
    const ours =
      servingNow.reduce((s, p) => s + p.cpuS, 0) + generatorCpuS + postgresCpuS + Math.max(0, redisCpuS);
    return {
      wallS,
      serving: servingNow,
      generator: { cpuS: generatorCpuS, maxRssMb: peakRssMb(process.pid) },
      postgresCpuS,
      redisCpuS,
      otherCpuS: Math.max(0, machine.busy - startMachine.busy - ours),
      load1: loadavg()[0] ?? 0,
    };
  };
}
