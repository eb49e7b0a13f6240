import { generateCorpus } from '@acsa/corpus';
import { normalizeKey } from '@acsa/corpus/split';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { API_KEY, type Harness, startServing } from '../../serving/test/harness.ts';
import type { TTrainer } from '../src/trainer.ts';
import { addLabels, insertDataset, startTestTrainer, TEST_GATE, waitForRun } from './fixtures.ts';
import { smallCorpus } from './small-bundle.ts';

// The whole loop on real PostgreSQL and Redis: a first model in production behind a running serving,
// reviewers' labels, a retrain through the BullMQ flow, the gate, the promotion, and serving answering
// with the new version; then a poisoned import whose candidate the gate must refuse.

let h: Harness;
let trainer: TTrainer;
const corpus = smallCorpus();

async function chat(text: string) {
  const res = await h.serving.app.inject({
    method: 'POST',
    url: '/v1/chat',
    headers: { authorization: `Bearer ${API_KEY}` },
    payload: { sessionId: `s-${Math.random().toString(36).slice(2)}`, text },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { modelVersion: string; intent: string };
}

beforeAll(async () => {
  h = await startServing({ bundleDir: inject('smallBundle') });
  await insertDataset(h.db.prisma, 'bootstrap', corpus);
  trainer = await startTestTrainer({ prisma: h.db.prisma, redisUrl: h.redis.url, prefix: h.redis.prefix });
});
afterAll(async () => {
  await trainer?.close();
  await h?.close();
});

describe('the learning loop', () => {
  it('retrains on new labels, passes the gate, promotes, and serving answers with the new version', async () => {
    const { prisma } = h.db;
    const before = await chat('where is my parcel?');
    expect(before.modelVersion).toBe('bootstrap-test-1');
    const known = new Set(corpus.map((r) => normalizeKey(r.text)));
    const fresh = generateCorpus({ seed: 7, perIntent: 6 }).filter((r) => !known.has(normalizeKey(r.text)));
    await addLabels(prisma, fresh);

    const req = await trainer.requestRetrain({
      trigger: 'MANUAL',
      reason: 'new labels',
      config: {
        mode: 'direct',
        preset: 'small',
        teacher: { epochs: 4 },
        student: { epochs: 4 },
        gate: TEST_GATE,
      },
    });
    expect(req.started).toBe(true);
    const run = await waitForRun(prisma, req.runId, ['SUCCEEDED', 'REJECTED', 'FAILED']);
    const gate = run.gate as { passed: boolean; reasons: string[]; candidate: object; production: object };
    expect(run.status, JSON.stringify({ error: run.error, gate })).toBe('SUCCEEDED');
    expect(run.gatePassed).toBe(true);
    expect(run.progress).toBe(100);

    const versions = await prisma.modelVersion.findMany({ where: { trainingRunId: run.id } });
    expect(versions).toHaveLength(1);
    const candidate = versions[0]!;
    const production = await prisma.modelAlias.findUniqueOrThrow({ where: { name: 'production' } });
    expect(production.modelVersionId).toBe(candidate.id);
    const move = await prisma.aliasHistory.findFirstOrThrow({
      where: { alias: 'production' },
      orderBy: { id: 'desc' },
    });
    expect(move).toMatchObject({ kind: 'PROMOTE', toVersionId: candidate.id, actor: 'system:trainer' });

    // Steps and logs tell the story the console shows. The tracker records a step's events from the worker's
    // events, so a step's last event may still be on its way when promote closes the run: wait for it.
    await trainer.tracker.idle();
    const steps = await prisma.trainingStep.findMany({
      where: { runId: run.id },
      orderBy: { position: 'asc' },
    });
    expect(steps.map((s) => [s.name, s.status, s.progress])).toEqual(
      ['snapshot', 'train', 'evaluate', 'gate', 'register', 'promote'].map((n) => [n, 'SUCCEEDED', 100]),
    );
    const snapshot = steps[0]!.output as { counts: { labels: number; test: number } };
    expect(snapshot.counts.labels).toBe(fresh.length);
    expect(snapshot.counts.test).toBe(corpus.filter((r) => r.split === 'test').length);
    expect(await prisma.trainingLog.count({ where: { runId: run.id, step: 'train' } })).toBeGreaterThan(3);

    // Serving hot-swaps on the announcement; time it from the recorded promotion.
    let answered = await chat('where is my parcel?');
    while (answered.modelVersion !== candidate.version) {
      if (Date.now() - move.at.getTime() > 10_000) break;
      await new Promise((r) => setTimeout(r, 20));
      answered = await chat('where is my parcel?');
    }
    const swapMs = Date.now() - move.at.getTime();
    expect(answered.modelVersion).toBe(candidate.version);
    console.log(
      `[learning loop] candidate ${candidate.version}: test accuracy ${(gate.candidate as { accuracy: number }).accuracy.toFixed(3)} vs production ${(gate.production as { accuracy: number }).accuracy.toFixed(3)}; serving answered with it ${swapMs} ms after the promotion was recorded; run ${((run.finishedAt!.getTime() - run.createdAt.getTime()) / 1000).toFixed(1)} s`,
    );
  });

  it('refuses a candidate trained on shuffled labels, with reasons, and leaves production alone', async () => {
    const { prisma } = h.db;
    const productionBefore = await prisma.modelAlias.findUniqueOrThrow({ where: { name: 'production' } });
    const movesBefore = await prisma.aliasHistory.count();
    const versionsBefore = await prisma.modelVersion.count();
    // A broken import: every training row keeps its text but gets another row's intent.
    const intents = corpus.map((r) => r.intent);
    const shuffled = corpus.map((r, i) => ({ ...r, intent: intents[(i * 7919 + 13) % intents.length]! }));
    await insertDataset(prisma, 'bootstrap', shuffled);

    const req = await trainer.requestRetrain({
      trigger: 'MANUAL',
      // Shuffled labels teach nothing at any length: the shortest training shows it.
      config: {
        mode: 'direct',
        preset: 'small',
        teacher: { epochs: 2 },
        student: { epochs: 2 },
        gate: TEST_GATE,
      },
    });
    const run = await waitForRun(prisma, req.runId, ['SUCCEEDED', 'REJECTED', 'FAILED']);
    expect(run.status, run.error ?? '').toBe('REJECTED');
    expect(run.gatePassed).toBe(false);
    const gate = run.gate as { reasons: string[]; checks: { check: string; passed: boolean }[] };
    const failed = gate.checks.filter((c) => !c.passed).map((c) => c.check);
    expect(failed).toEqual(expect.arrayContaining(['floor.accuracy', 'floor.macroF1', 'compare.accuracy']));
    expect(failed.some((c) => c.startsWith('intent.'))).toBe(true);
    expect(gate.reasons.join('\n')).toMatch(/accuracy .* < floor/);

    expect(await prisma.modelVersion.count()).toBe(versionsBefore);
    expect(await prisma.aliasHistory.count()).toBe(movesBefore);
    const productionAfter = await prisma.modelAlias.findUniqueOrThrow({ where: { name: 'production' } });
    expect(productionAfter.modelVersionId).toBe(productionBefore.modelVersionId);
    await trainer.tracker.idle();
    const steps = await prisma.trainingStep.findMany({
      where: { runId: run.id },
      orderBy: { position: 'asc' },
    });
    expect(steps.slice(4).map((s) => s.status)).toEqual(['SKIPPED', 'SKIPPED']);
    const current = await prisma.modelVersion.findUniqueOrThrow({
      where: { id: productionBefore.modelVersionId },
    });
    expect((await chat('where is my parcel?')).modelVersion).toBe(current.version);
  });
});
