import { AppError } from '@acsa/core/errors';
import { ZCreateExperiment } from '@acsa/pipelines/experiments';
import { initTRPC, TRPCError } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { consoleErrorShape, fieldPath } from './error-shape';

// A router shaped as the console's (same formatter), answered over HTTP as the browser's client reads it.
const logged: Record<string, unknown>[] = [];
const t = initTRPC.create({
  errorFormatter: (opts) => consoleErrorShape(opts, (fields) => logged.push(fields)),
});
const router = t.router({
  create: t.procedure.input(ZCreateExperiment).mutation(() => 'created'),
  variants: t.procedure
    .input(z.object({ variants: z.array(z.object({ weight: z.number().max(1) })) }))
    .mutation(() => 'ok'),
  // As the console's appErrors middleware rethrows an operation's AppError.
  conflict: t.procedure.mutation(() => {
    const cause = new AppError('CONFLICT', 'an experiment is already running: exp-a', { field: 'name' });
    throw new TRPCError({ code: 'CONFLICT', message: cause.message, cause });
  }),
  broken: t.procedure.mutation(() => {
    throw new Error('connect ECONNREFUSED 10.0.0.5:5432 (password authentication failed for "acsa")');
  }),
});

async function call(path: string, input: unknown) {
  const res = await fetchRequestHandler({
    endpoint: '/api/trpc',
    req: new Request(`http://console.test/api/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(input),
    }),
    router,
  });
  const body = (await res.json()) as {
    error: {
      message: string;
      data: { code: string; field?: string; issues?: { field?: string; message: string }[] };
    };
  };
  return { status: res.status, ...body.error };
}

describe('what a console caller reads when a procedure fails', () => {
  it('input its schema refuses: each field and what was wrong with it, not the issue list as JSON', async () => {
    const e = await call('create', {
      name: 'My Test',
      challenger: ' ',
      treatmentWeight: 0.5,
      primaryMetric: 'positive_feedback_rate',
      autoPromote: false,
    });
    expect(e.status).toBe(400);
    expect(e.message).toBe(
      'name: lower-case letters, digits and dashes; challenger: name a registered model version',
    );
    expect(e.data.field).toBe('name');
    // The same as data, so a form names each field as its label does without taking the message apart.
    expect(e.data.issues).toEqual([
      { field: 'name', message: 'lower-case letters, digits and dashes' },
      { field: 'challenger', message: 'name a registered model version' },
    ]);
  });

  it('names a field inside a list by its index', async () => {
    const e = await call('variants', { variants: [{ weight: 0.5 }, { weight: 2 }] });
    expect(e.message).toMatch(/^variants\[1\]\.weight: Too big/);
    expect(e.data.field).toBe('variants[1].weight');
    expect(fieldPath(['a', 0, 'b'])).toBe('a[0].b');
  });

  it("an operation's refusal keeps its message and names its field", async () => {
    const e = await call('conflict', {});
    expect(e).toMatchObject({ status: 409, message: 'an experiment is already running: exp-a' });
    expect(e.data.field).toBe('name');
    expect(e.data.issues).toBeUndefined();
  });

  it('an unexpected failure is logged with a reference; the caller gets the reference, not the internal text', async () => {
    const e = await call('broken', {});
    expect(e.status).toBe(500);
    expect(e.message).toMatch(/^Something went wrong on the server \(reference [0-9a-f]{8}\); try again\.$/);
    expect(JSON.stringify(e)).not.toContain('ECONNREFUSED');
    const ref = e.message.match(/reference ([0-9a-f]{8})/)?.[1];
    expect(logged.at(-1)).toMatchObject({ ref, path: 'broken' });
    expect(String((logged.at(-1)?.err as Error | undefined)?.message)).toContain('ECONNREFUSED');
  });
});
