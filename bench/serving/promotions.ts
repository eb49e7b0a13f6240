import { moveAlias } from '@acsa/db/registry';
import { announceAliasMove } from '@acsa/pipelines';
import type { ChatClient } from './chat-client.ts';
import { type ConversationPool, openLoop } from './load.ts';
import type { Recorder } from './recorder.ts';
import type { TBench, TVersion } from './setup.ts';
import type { WorkerProbes } from './worker-probes.ts';

export type TPromotion = {
  to: string;
  /** How long moveAlias took to commit. */
  moveMs: number;
  /** Per worker, ms from the committed move to the first /readyz answer naming the new version. */
  workerMs: number[];
  /** ms from the move to the last chat answer (of a turn sent after it) still naming the old version. */
  lastOldAnswerMs: number;
};

const LEAD_S = 2;

/** Points `production` at `to` as a promotion would, and tells the replicas. */
export async function promote(bench: TBench, to: TVersion): Promise<void> {
  await moveAlias(bench.prisma, {
    alias: 'production',
    toVersionId: to.id,
    kind: 'PROMOTE',
    actor: { type: 'SYSTEM', display: 'system:bench' },
    reason: 'serving load benchmark',
  });
  await announceAliasMove(bench.redis, 'production', to.id);
}

/**
 * Open-loop load while `count` promotions alternate the two versions, `intervalS` apart. Each promotion's
 * swap is measured twice: per worker from /readyz on pinned connections (every 5 ms), and from the chat
 * answers themselves (the last one after the move that still names the old version).
 */
export async function promotionsUnderLoad(o: {
  bench: TBench;
  probes: WorkerProbes;
  client: ChatClient;
  pool: ConversationPool;
  recorder: Recorder;
  rate: number;
  count: number;
  intervalS: number;
}): Promise<TPromotion[]> {
  const [a, b] = o.bench.versions;
  const windows: { since: number; old: string }[] = [];
  const answers: { sent: number; done: number; version: string | undefined }[] = [];
  o.recorder.listener = (s) => answers.push({ sent: s.sent, done: s.done, version: s.reply.modelVersion });
  const load = openLoop({ ...o, durationS: LEAD_S + o.count * o.intervalS + 1 });
  const results: TPromotion[] = [];
  const phaseStart = performance.now();
  for (let k = 1; k <= o.count; k++) {
    await new Promise((r) =>
      setTimeout(r, phaseStart + (LEAD_S + (k - 1) * o.intervalS) * 1000 - performance.now()),
    );
    const [from, to] = k % 2 === 1 ? [a, b] : [b, a];
    const before = performance.now();
    await moveAlias(o.bench.prisma, {
      alias: 'production',
      toVersionId: to.id,
      kind: 'PROMOTE',
      actor: { type: 'SYSTEM', display: 'system:bench' },
      reason: `serving load benchmark, promotion ${k}`,
    });
    const since = performance.now();
    windows.push({ since, old: from.name });
    await announceAliasMove(o.bench.redis, 'production', to.id);
    const perWorker = await o.probes.waitForVersion(to.name, since);
    results.push({
      to: to.name,
      moveMs: since - before,
      workerMs: [...perWorker.values()],
      lastOldAnswerMs: 0,
    });
  }
  await load;
  o.recorder.listener = undefined;
  // Only turns sent after move i and answered before move i + 1: the versions alternate, so an older
  // answer naming move i's old version may rightly come from move i + 1.
  for (const [i, r] of results.entries()) {
    const w = windows[i];
    if (!w) continue;
    const until = windows[i + 1]?.since ?? Number.POSITIVE_INFINITY;
    let last = w.since;
    for (const a of answers)
      if (a.sent >= w.since && a.done < until && a.version === w.old) last = Math.max(last, a.done);
    r.lastOldAnswerMs = last - w.since;
  }
  return results;
}
