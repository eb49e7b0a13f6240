/**
 * What one Redis round trip costs this machine's client CPU (run on purpose): 20,000 GETs one after another
 * (each reply finds the process waiting, as most do at a moderate rate), then 20,000 with 64 in flight (as
 * under load, when many replies share a wake of the event loop). The serial batchers of apps/serving batch
 * round trips for this reason. Prints µs of client CPU (user + system) and of wall time per GET, peak RSS and
 * the load average.
 *   npx tsx bench/serving/round-trip.ts [--gets 20000]
 */
import { parseArgs } from 'node:util';
import { testServiceUrls } from '@acsa/db/testing';
import { Redis } from 'ioredis';
import { loadAverages, peakRssMb } from './proc-stats.ts';

const { values: a } = parseArgs({ options: { gets: { type: 'string', default: '20000' } } });
const N = Number(a.gets);
const redis = new Redis(testServiceUrls().redisUrl);
const key = `acsa:bench:round-trip:${process.pid}`;
await redis.set(key, 'x', 'EX', 60);
for (const concurrency of [1, 64]) {
  let left = N;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left-- > 0) await redis.get(key);
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  console.log(
    `${concurrency === 1 ? 'one at a time' : `${concurrency} in flight`}: ${((cpu.user + cpu.system) / N).toFixed(1)} µs client CPU per GET ` +
      `(user ${(cpu.user / N).toFixed(1)}, system ${(cpu.system / N).toFixed(1)}), ${(((performance.now() - t0) * 1000) / N).toFixed(1)} µs wall; ` +
      `peak RSS ${peakRssMb(process.pid).toFixed(0)} MB; load average ${loadAverages()}`,
  );
}
await redis.del(key);
redis.disconnect();
