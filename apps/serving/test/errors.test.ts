import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signCustomerToken } from '../src/auth/customer-token.ts';
import { API_KEY, type Harness, startServing, TOKEN_SECRET } from './harness.ts';

let h: Harness;
const auth = { authorization: `Bearer ${API_KEY}` };
const post = (url: string, payload: unknown, headers: Record<string, string> = auth) =>
  h.serving.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });

beforeAll(async () => {
  h = await startServing({
    bundleDir: inject('bootstrapBundle'),
    env: { RATE_LIMIT_SESSION_PER_MINUTE: '5' },
  });
});
afterAll(() => h?.close());

describe('error answers: { error: { code, message, field? } }', () => {
  it('400 names what is wrong and where', async () => {
    const cases: [unknown, string, string | undefined][] = [
      ['{"sessionId": "a", "text": ', 'BAD_REQUEST', undefined],
      [[1, 2], 'BAD_REQUEST', undefined],
      [{ text: 'hi' }, 'BAD_REQUEST', 'sessionId'],
      [{ sessionId: 'a' }, 'BAD_REQUEST', 'text'],
      [{ sessionId: 'a', text: '   ' }, 'BAD_REQUEST', 'text'],
      [{ sessionId: 'a', text: 42 }, 'BAD_REQUEST', 'text'],
      [{ sessionId: 'bad id with spaces', text: 'hi' }, 'BAD_REQUEST', 'sessionId'],
      [{ sessionId: 'a', text: 'hi', admin: true }, 'BAD_REQUEST', undefined],
      [{ sessionId: 'a', text: 'x'.repeat(2001) }, 'BAD_REQUEST', 'text'],
      [{ sessionId: 'a', text: 'where is\u0000 my order' }, 'BAD_REQUEST', 'text'],
    ];
    for (const [payload, code, field] of cases) {
      const res = await post('/v1/chat', payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      const body = res.json();
      expect(body.error.code).toBe(code);
      expect(body.error.message.length).toBeGreaterThan(5);
      if (field) expect(body.error.field).toBe(field);
    }
    expect(
      (await post('/v1/chat', { sessionId: 'a', text: 'hi', admin: true })).json().error.message,
    ).toMatch(/admin/);
  });

  it('401 without a key, with an unknown key, or with a forged customer token', async () => {
    expect((await post('/v1/chat', { sessionId: 'a', text: 'hi' }, {})).statusCode).toBe(401);
    const unknown = await post(
      '/v1/chat',
      { sessionId: 'a', text: 'hi' },
      { authorization: 'Bearer acsa_unknown_key_000000000000' },
    );
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([401, 'UNAUTHENTICATED']);
    const customer = await h.db.prisma.customer.findFirstOrThrow();
    const forged = signCustomerToken('another-secret-that-is-long-enough-to-pass', customer.id);
    const res = await post('/v1/chat', { sessionId: 'a', text: 'hi', customerToken: forged });
    expect([res.statusCode, res.json().error.field]).toEqual([401, 'customerToken']);
    const expired = signCustomerToken(TOKEN_SECRET, customer.id, 60, Date.now() - 3_600_000);
    expect(
      (await post('/v1/chat', { sessionId: 'a', text: 'hi', customerToken: expired })).json().error.message,
    ).toMatch(/expired/);
  });

  it('403 for a key without the scope', async () => {
    const { createHash } = await import('node:crypto');
    const key = 'acsa_feedback_only_key_0123456789';
    await h.db.prisma.apiKey.create({
      data: {
        name: 'feedback only',
        prefix: key.slice(0, 12),
        hash: createHash('sha256').update(key).digest('hex'),
        scopes: ['feedback'],
      },
    });
    const res = await post('/v1/chat', { sessionId: 'a', text: 'hi' }, { authorization: `Bearer ${key}` });
    expect([res.statusCode, res.json().error.code]).toEqual([403, 'FORBIDDEN']);
  });

  it('413 for a body over the limit, 415 for a body that is not JSON', async () => {
    const big = await post('/v1/chat', { sessionId: 'a', text: 'x'.repeat(20_000) });
    expect([big.statusCode, big.json().error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const form = await h.serving.app.inject({
      method: 'POST',
      url: '/v1/chat',
      headers: { ...auth, 'content-type': 'text/plain' },
      payload: 'hi',
    });
    expect(form.statusCode).toBe(415);
  });

  it('429 with Retry-After when one session sends too much, while other sessions go on', async () => {
    const statuses = [];
    for (let i = 0; i < 7; i++)
      statuses.push((await post('/v1/chat', { sessionId: 'chatty', text: 'hello' })).statusCode);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    const limited = await post('/v1/chat', { sessionId: 'chatty', text: 'hello' });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json().error.field).toBe('sessionId');
    expect((await post('/v1/chat', { sessionId: 'calm', text: 'hello' })).statusCode).toBe(200);
  });

  it('404 for an unknown route and for /metrics (served on METRICS_PORT only), and readiness and the OpenAPI document are served', async () => {
    expect((await h.serving.app.inject({ method: 'GET', url: '/v2/nothing' })).statusCode).toBe(404);
    expect((await h.serving.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
    expect((await h.serving.app.inject({ method: 'GET', url: '/readyz' })).json().modelVersion).toBe(
      'bootstrap-test-1',
    );
    const doc = (await h.serving.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(doc.paths)).toContain('/v1/chat');
    expect(Object.keys(doc.paths)).not.toContain('/metrics');
    expect(doc.paths['/v1/chat'].post.requestBody.content['application/json'].schema.required).toEqual([
      'sessionId',
      'text',
    ]);
  });

  it('survives 1,000 malformed requests over real HTTP with only 4xx answers', async () => {
    const address = await h.serving.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = h.serving.app.server.address() as AddressInfo;
    let seed = 12345;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
    const junk = () =>
      Array.from({ length: Math.floor(rnd() * 40) }, () =>
        String.fromCharCode(Math.floor(rnd() * 0xffff)),
      ).join('');
    const bodies = [
      () => junk(),
      () => '{',
      () => 'null',
      () => '[]',
      () => '"text"',
      () => '{"sessionId":null,"text":null}',
      () => JSON.stringify({ sessionId: junk(), text: junk() }),
      () => JSON.stringify({ sessionId: 'a'.repeat(500), text: 'hi' }),
      () => JSON.stringify({ sessionId: 'ok', text: { nested: [1, 2] } }),
      () => JSON.stringify({ sessionId: 'ok', text: 'hi', customerToken: junk() }),
      () => JSON.stringify({ sessionId: 'ok', text: 'hi', customerToken: 'a.b' }),
      () => JSON.stringify({ __proto__: { x: 1 }, constructor: 1 }),
      () => '{"sessionId":"ok","text":"hi"'.repeat(3),
      () => JSON.stringify({ sessionId: 'ok', rating: 9 }),
    ];
    const headerSets = [
      () => ({ 'content-type': 'application/json' }),
      () => ({ 'content-type': 'application/json', authorization: 'Bearer' }),
      () => ({
        'content-type': 'application/json',
        authorization: `Basic ${junk()}`.replace(/[^\x20-\x7e]/g, 'x'),
      }),
      () => ({
        'content-type': pick([
          'text/html',
          'application/x-www-form-urlencoded',
          'application/json; charset=latin1',
          'multipart/form-data',
        ]),
        ...auth,
      }),
      () => ({ 'content-type': 'application/json', ...auth }),
      () => ({ 'content-type': 'application/json', authorization: `Bearer ${'k'.repeat(300)}` }),
    ];
    const send = (path: string, headers: Record<string, string>, body: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path,
            headers: { ...headers, 'content-length': Buffer.byteLength(body) },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    const statuses = new Map<number, number>();
    for (let i = 0; i < 1000; i += 20) {
      const batch = Array.from({ length: 20 }, () =>
        send(pick(['/v1/chat', '/v1/feedback']), pick(headerSets)(), pick(bodies)()),
      );
      for (const s of await Promise.all(batch)) statuses.set(s, (statuses.get(s) ?? 0) + 1);
    }
    const codes = [...statuses.keys()];
    expect(
      codes.every((c) => c >= 400 && c < 500),
      JSON.stringify(Object.fromEntries(statuses)),
    ).toBe(true);
    expect(address).toContain('127.0.0.1');
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
  });
});

describe('no model loaded', () => {
  it('answers 503 with Retry-After on chat and readiness, and recovers once a model is promoted', async () => {
    const bare = await startServing({ bundleDir: null });
    try {
      const res = await bare.serving.app.inject({
        method: 'POST',
        url: '/v1/chat',
        headers: auth,
        payload: { sessionId: 'a', text: 'hi' },
      });
      expect([res.statusCode, res.json().error.code]).toEqual([503, 'MODEL_NOT_READY']);
      expect(res.headers['retry-after']).toBeDefined();
      expect((await bare.serving.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
      await bare.promote(await bare.register(inject('bootstrapBundle'), 'late-model'));
      await bare.serving.registry.reconcile();
      const after = await bare.serving.app.inject({
        method: 'POST',
        url: '/v1/chat',
        headers: auth,
        payload: { sessionId: 'a', text: 'hi' },
      });
      expect([after.statusCode, after.json().modelVersion]).toEqual([200, 'late-model']);
    } finally {
      await bare.close();
    }
  });
});
