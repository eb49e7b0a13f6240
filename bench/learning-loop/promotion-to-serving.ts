// Time from a promotion (alias moved and announced) to a running serving answering with the new version,
// over alternating promotions of two registered bundles; once with the Redis announcement, once with
// serving's registry poll alone (the path when an announcement is missed).
//
//   npx tsx bench/learning-loop/promotion-to-serving.ts [--rounds 10]
import { parseArgs } from 'node:util';
import { promoteVersion } from '@acsa/pipelines/registry';
import { Redis } from 'ioredis';
import { ensureBootstrapBundle } from '../../apps/serving/test/bootstrap-bundle.ts';
import { API_KEY, startServing } from '../../apps/serving/test/harness.ts';
import { ensureSmallBundle } from '../../apps/trainer/test/small-bundle.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '10' } } });
const rounds = Number(values.rounds);
const bundles = [await ensureBootstrapBundle(console.log), await ensureSmallBundle(console.log)];
const actor = { type: 'SYSTEM' as const, display: 'system:bench' };
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

for (const [label, announce, pollMs] of [
  ['announced on Redis', true, 5_000],
  ['registry poll only (MODEL_POLL_MS 1000)', false, 1_000],
] as const) {
  const h = await startServing({ bundleDir: bundles[0]!, env: { MODEL_POLL_MS: String(pollMs) } });
  const ids = [await h.register(bundles[0]!, 'bench-a'), await h.register(bundles[1]!, 'bench-b')];
  const names = ['bench-a', 'bench-b'];
  const chat = async () =>
    (
      await h.serving.app.inject({
        method: 'POST',
        url: '/v1/chat',
        headers: { authorization: `Bearer ${API_KEY}` },
        payload: { sessionId: `bench-${Math.random()}`, text: 'where is my order?' },
      })
    ).json() as { modelVersion: string };
  const publisher = announce ? new Redis(h.redis.url) : null;
  const times: number[] = [];
  for (let i = 1; i <= rounds; i++) {
    const to = i % 2;
    const t0 = performance.now();
    await promoteVersion({ prisma: h.db.prisma, redis: publisher }, { ref: ids[to]!, actor });
    while ((await chat()).modelVersion !== names[to]) await new Promise((r) => setTimeout(r, 2));
    times.push(performance.now() - t0);
  }
  publisher?.disconnect();
  await h.close();
  console.log(
    `${label}: promotion → serving answers with it: p50 ${pct(times, 0.5).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms over ${rounds} promotions; peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`,
  );
}
