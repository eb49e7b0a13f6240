import { createServer, type Socket } from 'node:net';
import { expect, it } from 'vitest';
import { announceAliasMove } from '../alias-announce.ts';
import { announcerRedis } from './console-moves.ts';

it("a move's announcement gives up within seconds on a Redis that takes the connection and never answers", async () => {
  const held = new Set<Socket>();
  const silent = createServer((s) => {
    held.add(s);
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const redis = announcerRedis(`redis://127.0.0.1:${(silent.address() as { port: number }).port}`);
  try {
    const started = performance.now();
    // false: not announced; the move stands and serving finds it on its next registry poll.
    expect(await announceAliasMove(redis, 'production', null)).toBe(false);
    expect(performance.now() - started).toBeLessThan(4_000);
  } finally {
    redis.disconnect();
    for (const s of held) s.destroy();
    await new Promise((r) => silent.close(r));
  }
});
