/**
 * What tracing costs serving (run on purpose): the same open loop of multi-turn conversations against
 * serving as production runs it, with tracing off (the default) and on (every turn traced and exported over
 * OTLP/HTTP to a local sink that answers 200, so serialisation and sending are paid as with a collector).
 * Serving is restarted between the two; prints p50/p99, errors and serving's CPU per turn for each.
 *
 *   npx tsx bench/tracing/run.ts [--rate 800] [--duration 15] [--workers 1] [--rounds 1]
 */
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { cpus } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { testServiceUrls } from '@acsa/db/testing';
import { ChatClient } from '../serving/chat-client.ts';
import { conversationSource } from '../serving/conversations.ts';
import { ConversationPool, openLoop } from '../serving/load.ts';
import { cpuSeconds, freePort, loadAverages } from '../serving/proc-stats.ts';
import { promote } from '../serving/promotions.ts';
import { Recorder } from '../serving/recorder.ts';
import { startServing } from '../serving/serving-process.ts';
import { API_KEY, setUpBench, TOKEN_SECRET } from '../serving/setup.ts';

const { values: a } = parseArgs({
  options: {
    rate: { type: 'string', default: '800' },
    duration: { type: 'string', default: '15' },
    warmup: { type: 'string', default: '3' },
    workers: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '1' },
    'redis-db': { type: 'string', default: '13' },
  },
});
const log = (line: string) => console.log(`[tracing] ${line}`);
const load = loadAverages;

/** Stands in for an OpenTelemetry collector: reads each export and answers 200. */
async function otlpSink() {
  const stats = { requests: 0, bytes: 0 };
  const server = createHttpServer((req, res) => {
    req.on('data', (c: Buffer) => {
      stats.bytes += c.length;
    });
    req.on('end', () => {
      stats.requests++;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${port}`, stats, close: () => server.close() };
}

const { databaseUrl: serverUrl, redisUrl } = testServiceUrls();
const bench = await setUpBench({ serverUrl, redisBaseUrl: redisUrl, redisDb: Number(a['redis-db']), log });
await promote(bench, bench.versions[0]);
const sink = await otlpSink();
const rows: string[] = [];
try {
  for (let round = 0; round < Number(a.rounds); round++)
    for (const tracing of [false, true]) {
      const port = await freePort();
      const serving = await startServing({
        databaseUrl: bench.databaseUrl,
        redisUrl: bench.redisUrl,
        port,
        workers: Number(a.workers),
        microbatch: true,
        tokenSecret: TOKEN_SECRET,
        extraEnv: tracing
          ? { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_SERVICE_NAME: 'acsa-serving-bench' }
          : {},
      });
      const client = new ChatClient(port, API_KEY, { maxSockets: 64 });
      const source = conversationSource({ orders: bench.orders, tokenSecret: TOKEN_SECRET, seed: 7 });
      const pool = new ConversationPool(source, 256);
      await openLoop({
        client,
        pool,
        recorder: new Recorder(),
        rate: Number(a.rate),
        durationS: Number(a.warmup),
      });
      const recorder = new Recorder();
      const before = serving.all().reduce((s, pid) => s + cpuSeconds(pid), 0);
      const sent = { ...sink.stats };
      await openLoop({ client, pool, recorder, rate: Number(a.rate), durationS: Number(a.duration) });
      const cpu = serving.all().reduce((s, pid) => s + cpuSeconds(pid), 0) - before;
      await new Promise((r) => setTimeout(r, 6_000)); // the batch exporter's last flush (5 s)
      const s = recorder.summary();
      const exported = tracing
        ? `${sink.stats.requests - sent.requests} exports, ${((sink.stats.bytes - sent.bytes) / 1e6).toFixed(1)} MB`
        : '-';
      const row = `| ${tracing ? 'on (OTLP)' : 'off'} | ${a.rate} | ${s.ok}/${s.turns} | ${s.latency.p50.toFixed(2)} | ${s.latency.p99.toFixed(2)} | ${((cpu / Math.max(1, s.ok)) * 1e6).toFixed(0)} | ${exported} | ${load()} |`;
      rows.push(row);
      log(row);
      client.close();
      await serving.stop();
    }
} finally {
  sink.close();
  await bench.close();
}
const text = [
  '',
  `Tracing cost, ${a.workers} serving worker(s), ${cpus().length} cores, ${a.duration} s per run after ${a.warmup} s warm-up:`,
  '',
  '| tracing | turns/s offered | answered 200 / sent | p50 ms | p99 ms | serving CPU µs per turn | exported | load average |',
  '|---|---:|---:|---:|---:|---:|---|---|',
  ...rows,
  '',
].join('\n');
console.log(text);
const file = path.join(import.meta.dirname, 'results', `${new Date().toISOString().slice(0, 10)}.md`);
mkdirSync(path.dirname(file), { recursive: true });
// A day's runs stay side by side: a later run is a section of its own, not a replacement.
if (existsSync(file)) appendFileSync(file, `\n\n## Run of ${new Date().toISOString()}\n${text}`);
else writeFileSync(file, `# Tracing cost — ${new Date().toISOString()}\n${text}`);
process.exit(0);
