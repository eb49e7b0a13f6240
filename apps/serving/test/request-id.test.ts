import { Writable } from 'node:stream';
import { createLogger } from '@acsa/core/logger';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { API_KEY, type Harness, startServing } from './harness.ts';

// What a storefront developer has to report a failed request with: its id, in every answer's header, in a
// 5xx's body, and on serving's log lines about it.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
let h: Harness;
let base: string;
const lines: Record<string, unknown>[] = [];

const chat = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}/v1/chat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  h = await startServing({
    bundleDir: inject('bootstrapBundle'),
    logger: createLogger({ name: 'serving-test', level: 'warn', destination }),
  });
  base = await h.serving.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => h?.close());

describe('request ids', () => {
  it('every answer carries an id of its own, or the caller’s when it is a sane token', async () => {
    const answers = [
      await chat({ sessionId: 'rid-1', text: 'hello' }),
      await chat({ sessionId: 'rid-2', text: 'hello' }),
      await chat({ sessionId: 'rid-3' }),
      await fetch(`${base}/v1/nowhere`),
      await fetch(`${base}/healthz`),
      // Refused before Fastify once the key is known to be bad.
      await chat({ sessionId: 'rid-4', text: 'hi' }, { authorization: 'Bearer acsa_unknown_key_0000000000' }),
      await chat({ sessionId: 'rid-5', text: 'hi' }, { authorization: 'Bearer acsa_unknown_key_0000000000' }),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 200, 400, 404, 200, 401, 401]);
    const ids = answers.map((r) => r.headers.get('x-request-id'));
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(ids.length);

    const own = await chat({ sessionId: 'rid-6', text: 'hello' }, { 'x-request-id': 'shop-7f3a9c01.42' });
    expect(own.headers.get('x-request-id')).toBe('shop-7f3a9c01.42');
    for (const junk of ['short', 'x'.repeat(65), 'two words here', 'a,b-0123456789']) {
      const res = await chat({ sessionId: 'rid-7', text: 'hello' }, { 'x-request-id': junk });
      expect(res.headers.get('x-request-id'), junk).toMatch(UUID);
    }
  });

  it('a 500 names its request in the header, the body and the log line of the failure', async () => {
    // A failure of ours: PostgreSQL refuses to store this turn's message.
    await h.db.prisma.$executeRawUnsafe(
      `ALTER TABLE "Message" ADD CONSTRAINT test_refuse_boom CHECK (text NOT LIKE '%boom%')`,
    );
    try {
      const res = await chat({ sessionId: 'rid-500', text: 'boom' });
      expect(res.status).toBe(500);
      const id = res.headers.get('x-request-id');
      expect(id).toMatch(UUID);
      const { error } = (await res.json()) as { error: Record<string, string> };
      expect(error).toMatchObject({ code: 'INTERNAL', requestId: id });
      await expect.poll(() => lines.find((l) => l.msg === 'request failed')).toMatchObject({ reqId: id });
      expect(lines.find((l) => l.msg === 'server error')).toMatchObject({ reqId: id, status: 500 });
      // A 4xx says what to change instead; the header still names it.
      const bad = await chat({ sessionId: 'rid-400' });
      expect(((await bad.json()) as { error: object }).error).not.toHaveProperty('requestId');
    } finally {
      await h.db.prisma.$executeRawUnsafe(`ALTER TABLE "Message" DROP CONSTRAINT test_refuse_boom`);
    }
  });

  it('lets a storefront page read the id, and documents it', async () => {
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as {
      paths: Record<string, { post: { responses: Record<string, { headers?: object; content?: unknown }> } }>;
    };
    const chatResponses = doc.paths['/v1/chat']?.post.responses ?? {};
    expect(chatResponses['500']).toBeDefined();
    expect(chatResponses['200']?.headers).toHaveProperty('X-Request-Id');
    expect(JSON.stringify(chatResponses['500']?.content)).toContain('requestId');
  });
});
