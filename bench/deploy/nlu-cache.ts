/**
 * Why serving's NLU result cache is in-process, not shared in Redis: the cost of one classification
 * (featurise + ONNX inference, batch 1) against a Redis GET of the cached prediction, and an in-process LRU
 * hit. Run on purpose: npx tsx bench/deploy/nlu-cache.ts
 */
import { IntentClassifier } from '@acsa/ml/onnx';
import { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { ensureBootstrapBundle } from '../../apps/serving/test/bootstrap-bundle.ts';

const N = 5_000;
const texts = Array.from({ length: N }, (_, i) => `where is my order ${10_000 + i}? it has not arrived`);
const model = await IntentClassifier.load(await ensureBootstrapBundle());
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const key = `acsa-bench:nlu-cache:${process.pid}`;

const time = async (what: string, run: (i: number) => Promise<unknown> | unknown) => {
  for (let i = 0; i < 500; i++) await run(i); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < N; i++) {
    const t = process.hrtime.bigint();
    await run(i);
    samples.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.floor(q * (samples.length - 1))]?.toFixed(1);
  console.log(`${what.padEnd(48)} p50 ${at(0.5)} µs  p99 ${at(0.99)} µs`);
};

const [prediction] = await model.predict([texts[0] as string]);
const json = JSON.stringify(prediction);
await redis.set(key, json, 'EX', 60);
const lru = new LRUCache<string, unknown>({ max: 10_000 });
lru.set('k', prediction);

console.log(
  `load average ${(await import('node:os')).loadavg()[0]?.toFixed(2)}; cached prediction ${json.length} bytes`,
);
await time('classify (featurise + ONNX, batch 1, uncached)', (i) => model.predict([texts[i % N] as string]));
await time('Redis GET + JSON.parse of the prediction', async () =>
  JSON.parse((await redis.get(key)) as string),
);
await time('in-process LRU hit', () => lru.get('k'));
await redis.del(key);
redis.disconnect();
await model.release();
