import { Writable } from 'node:stream';
import { createLogger } from '@acsa/core/logger';
import { otelEnvShape, startTracing, type TTracing } from '@acsa/core/tracing';
import { InMemorySpanExporter, printTree, shape, spanTree } from '@acsa/core/tracing/testing';
import { QUEUES } from '@acsa/pipelines';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { API_KEY, type Harness, startServing, storefront } from './harness.ts';

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('traces', () => {
  const memory = new InMemorySpanExporter();
  let tracing: TTracing | null;
  let h: Harness;
  beforeAll(async () => {
    tracing = await startTracing({
      serviceName: 'serving-test',
      env: z.object(otelEnvShape).parse({}),
      exporters: [memory],
    });
    h = await startServing({ bundleDir: inject('bootstrapBundle') });
  });
  afterAll(async () => {
    await h?.close();
    await tracing?.shutdown();
  });

  it('one trace per turn: HTTP, auth, session, NLU batch wait and inference, knowledge cache and query, persist, publish', async () => {
    const shop = storefront(h.serving);
    await shop.chat('traced', 'where is my order?');
    await shop.chat('traced', 'it is 10042');
    memory.reset();
    const res = await shop.post(shop.turn('traced', 'alex.morgan@example.com'));
    expect(res.statusCode).toBe(200);
    const turn = memory.getFinishedSpans().find((s) => s.name === 'POST /v1/chat');
    const tree = spanTree(memory.getFinishedSpans(), turn?.spanContext().traceId ?? '');
    console.log(`one turn's trace:\n${printTree(tree)}`);
    expect(shape(tree)).toEqual([
      'POST /v1/chat',
      [
        'auth',
        'rate-limit',
        'session.load',
        'nlu',
        ['nlu.batch-wait', 'nlu.inference'],
        'dialogue',
        ['knowledge.orderByNumber', ['cache.get', 'pg.query']],
        'persist',
        ['pg.query'],
        'session.save',
        'event.publish',
      ],
    ]);
  });

  it('continues the caller traceparent and hands the trace on in the interaction event', async () => {
    memory.reset();
    const res = await h.serving.app.inject({
      method: 'POST',
      url: '/v1/chat',
      headers: {
        authorization: `Bearer ${API_KEY}`,
        traceparent: `00-${CALLER_TRACE}-00f067aa0ba902b7-01`,
      },
      payload: { sessionId: 'traced-2', text: 'where is my order?' },
    });
    expect(res.statusCode).toBe(200);
    const spans = memory.getFinishedSpans().filter((s) => s.spanContext().traceId === CALLER_TRACE);
    const http = spans.find((s) => s.name === 'POST /v1/chat');
    expect(http?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    const publish = spans.find((s) => s.name === 'event.publish');

    await h.serving.publisher.close();
    const connection = new Redis(h.redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue(QUEUES.interactions, { connection, prefix: `${h.redis.prefix}bull` });
    const events = (await queue.getJobs(['waiting'])).flatMap((j) => j.data.events);
    expect(events.map((e: { traceparent?: string }) => e.traceparent)).toContain(
      `00-${CALLER_TRACE}-${publish?.spanContext().spanId}-01`,
    );
    await queue.close();
    connection.disconnect();
  });
});

describe('log lines of a failed turn', () => {
  it('carry the trace id of the turn, from the request logger', async () => {
    const memory = new InMemorySpanExporter();
    const tracing = await startTracing({
      serviceName: 'serving-test',
      env: z.object(otelEnvShape).parse({}),
      exporters: [memory],
    });
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    // No model in production: the turn is answered 503, which serving logs as a server error.
    const h = await startServing({
      bundleDir: null,
      logger: createLogger({ name: 'serving-test', level: 'warn', destination }),
    });
    try {
      const res = await h.serving.app.inject({
        method: 'POST',
        url: '/v1/chat',
        headers: {
          authorization: `Bearer ${API_KEY}`,
          traceparent: `00-${CALLER_TRACE}-00f067aa0ba902b7-01`,
        },
        payload: { sessionId: 'untraced-model', text: 'hello' },
      });
      expect(res.statusCode).toBe(503);
      const line = lines.find((l) => l.msg === 'server error');
      expect(line).toMatchObject({ traceId: CALLER_TRACE, status: 503 });
    } finally {
      await h.close();
      await tracing?.shutdown();
    }
  });
});
