import type { AddressInfo } from 'node:net';
import { uuidv7 } from '@acsa/core/ids';
import { createLogger } from '@acsa/core/logger';
import { otelEnvShape, startTracing, type TTracing } from '@acsa/core/tracing';
import { InMemorySpanExporter } from '@acsa/core/tracing/testing';
import {
  createTestDatabase,
  createTestRedis,
  silentServer,
  type TestDatabase,
  type TestRedis,
  testServiceUrls,
} from '@acsa/db/testing';
import { INTERACTION_JOBS, PRODUCTION_ALIAS, QUEUES, stepTimeouts } from '@acsa/pipelines';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startAnalytics } from './analytics/analytics-worker.ts';
import { eventOf, fakeModelVersion, insertTurns } from './analytics/turn-fixtures.ts';
import { createHealthServer } from './health-server.ts';
import { createTrainerMetrics, gateDecisions } from './metrics.ts';
import { StepWorker } from './retrain/step-worker.ts';

const { databaseUrl, redisUrl } = testServiceUrls();
const logger = createLogger({ name: 'observability-test', level: 'silent' });
const memory = new InMemorySpanExporter();
let tracing: TTracing | null;
let db: TestDatabase;
let ns: TestRedis;
let connection: Redis;
let prefix: string;

beforeAll(async () => {
  tracing = await startTracing({
    serviceName: 't',
    env: z.object(otelEnvShape).parse({}),
    exporters: [memory],
  });
  [db, ns] = await Promise.all([createTestDatabase(databaseUrl), createTestRedis(redisUrl)]);
  prefix = `${ns.prefix}bull`;
  connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
});
afterAll(async () => {
  connection?.disconnect();
  await Promise.all([db?.drop(), ns?.cleanup()]);
  await tracing?.shutdown();
});

const until = async (done: () => boolean | Promise<boolean>) => {
  for (let i = 0; i < 200 && !(await done()); i++) await new Promise((r) => setTimeout(r, 25));
};

describe('traces', () => {
  it('records each interaction event inside the trace of the turn that sent it', async () => {
    const version = await fakeModelVersion(db.prisma, 'intent-traced');
    const turns = await insertTurns(db.prisma, [
      {
        text: 'where is my parcel',
        intent: 'track_order',
        confidence: 0.9,
        modelVersionId: version.id,
        at: new Date(),
      },
      { text: 'hello', intent: 'greet', confidence: 0.9, modelVersionId: version.id, at: new Date() },
    ]);
    const turnTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const publishSpan = '00f067aa0ba902b7';
    const [traced, untraced] = turns.map((t) => eventOf(t, 'intent-traced'));
    const analytics = startAnalytics({ prisma: db.prisma, connection, prefix, logger });
    const queue = new Queue(QUEUES.interactions, { connection, prefix });
    await queue.add(INTERACTION_JOBS.batch, {
      events: [{ ...traced, traceparent: `00-${turnTrace}-${publishSpan}-01` }, untraced],
    });
    const records = () => memory.getFinishedSpans().filter((s) => s.name === 'analytics.record');
    await until(() => records().length === 2);
    await analytics.close();
    await queue.close();
    const [first, second] = records();
    expect(first?.spanContext().traceId).toBe(turnTrace);
    expect(first?.parentSpanContext?.spanId).toBe(publishSpan);
    const job = memory.getFinishedSpans().find((s) => s.name === 'analytics.turns');
    expect(second?.parentSpanContext?.spanId).toBe(job?.spanContext().spanId);
  });

  it('traces each retraining step attempt in its run trace and times it', async () => {
    const runId = uuidv7();
    const worker = new StepWorker(
      'acsa.test-steps',
      async (job) => {
        if (job.attemptsMade === 0) throw new Error('first attempt fails');
        return 'ok';
      },
      { connection, prefix, timeouts: stepTimeouts() },
    );
    const queue = new Queue('acsa.test-steps', { connection, prefix });
    await queue.add('gate', { v: 1, runId, step: 'gate' }, { attempts: 2 });
    const steps = () => memory.getFinishedSpans().filter((s) => s.name === 'retrain.gate');
    await until(() => steps().length === 2);
    await worker.close();
    await queue.close();
    expect(
      steps().map((s) => [s.spanContext().traceId, s.attributes['acsa.attempt'], s.status.code]),
    ).toEqual([
      [runId.replaceAll('-', ''), 1, 2],
      [runId.replaceAll('-', ''), 2, 0],
    ]);
  });
});

describe('/metrics', () => {
  it('exposes queue depths, step durations, gate decisions and the production model drift', async () => {
    const version = await fakeModelVersion(db.prisma, 'intent-drifting');
    await db.prisma.modelAlias.upsert({
      where: { name: PRODUCTION_ALIAS },
      create: { name: PRODUCTION_ALIAS, modelVersionId: version.id },
      update: { modelVersionId: version.id },
    });
    await db.prisma.driftReport.create({
      data: {
        modelVersionId: version.id,
        windowStart: new Date('2026-11-26T10:00:00Z'),
        windowEnd: new Date('2026-11-26T11:00:00Z'),
        n: 400,
        intentPsi: 0.31,
        intentJs: 0.12,
        confidencePsi: 0.05,
        lengthPsi: 0.02,
        unknownTokenRate: 0.08,
        details: {},
        alert: true,
      },
    });
    const dlq = new Queue(QUEUES.deadLetters, { connection, prefix });
    await dlq.add('dead', { a: 1 });
    gateDecisions.inc({ outcome: 'refused' });
    const metrics = createTrainerMetrics({ prisma: db.prisma, connection, prefix });
    const server = createHealthServer(async () => ({}), metrics);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`);
    const body = await res.text();
    server.close();
    await dlq.close();
    expect(res.status).toBe(200);
    expect(body).toContain('acsa_queue_jobs{queue="acsa.dead-letters.v1",state="waiting"} 1');
    expect(body).toContain('acsa_drift_value{model_version="intent-drifting",metric="intent_psi"} 0.31');
    expect(body).toContain('acsa_drift_alert{model_version="intent-drifting"} 1');
    expect(body).toContain('acsa_retrain_gate_decisions_total{outcome="refused"} 1');
    expect(body).toMatch(/acsa_retrain_step_seconds_count\{step="gate",outcome="failed"\} 1/);
    expect(body).toContain('process_resident_memory_bytes');
  });

  it('answers a scrape with everything but the queue depths while Redis is silent', async () => {
    const silent = await silentServer();
    const quiet = new Redis(silent.port, '127.0.0.1', {
      maxRetriesPerRequest: null,
    });
    quiet.on('error', () => undefined);
    const metrics = createTrainerMetrics({ prisma: db.prisma, connection: quiet, prefix });
    const server = createHealthServer(async () => ({}), metrics);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const started = Date.now();
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`, {
      signal: AbortSignal.timeout(9_000),
    });
    const body = await res.text();
    const tookMs = Date.now() - started;
    server.close();
    quiet.disconnect();
    await silent.close();
    expect(res.status).toBe(200);
    expect(tookMs).toBeLessThan(4_000);
    expect(body).not.toContain('acsa_queue_jobs{');
    expect(body).toContain('acsa_retrain_gate_decisions_total');
    expect(body).toContain('process_resident_memory_bytes');
  }, 15_000);
});
