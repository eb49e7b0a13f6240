import { isUuid } from '@acsa/core/ids';
import { hasRole, sessionUser } from '@acsa/pipelines/access';
import { runEvents } from '@acsa/pipelines/runs';
import { auth } from '@/server/better-auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** A comment line now and then keeps proxies from closing a stream that is quiet during a long step. */
const HEARTBEAT_MS = 15_000;

/**
 * A run's progress as server-sent events (`run`, `log`, `gone`), for engineers: polled from PostgreSQL
 * server-side every 500 ms, so each browser holds one connection instead of polling. The stream ends when
 * the run does; EventSource reconnects with Last-Event-ID, the last log line it got, and misses nothing.
 */
export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const user = await sessionUser(auth(), req.headers);
  if (!user) return new Response('sign in first', { status: 401 });
  if (!hasRole(user.role, 'ENGINEER')) return new Response('this needs the engineer role', { status: 403 });
  const { id } = await ctx.params;
  if (!isUuid(id)) return new Response('no such run', { status: 404 });
  const afterLogId = Number(req.headers.get('last-event-id')) || 0;

  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (text: string) => controller.enqueue(encoder.encode(text));
      const heartbeat = setInterval(() => send(': still here\n\n'), HEARTBEAT_MS);
      try {
        send('retry: 2000\n\n');
        for await (const e of runEvents(db(), id, { signal: req.signal, afterLogId })) {
          const lastLog = e.event === 'log' ? `id: ${e.data[e.data.length - 1]?.id}\n` : '';
          send(`event: ${e.event}\n${lastLog}data: ${JSON.stringify(e.data)}\n\n`);
        }
        send('event: end\ndata: {}\n\n');
      } catch (err) {
        if (!req.signal.aborted)
          send(`event: error\ndata: ${JSON.stringify({ message: (err as Error).message })}\n\n`);
      } finally {
        clearInterval(heartbeat);
        try {
          controller.close();
        } catch {
          // the browser already went away
        }
      }
    },
  });
  return new Response(stream, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    },
  });
}
