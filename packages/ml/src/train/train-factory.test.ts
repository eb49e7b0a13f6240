import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../eval/evaluate.ts';
import { rng } from '../model/rng.ts';
import { IntentClassifier } from '../onnx/intent-classifier.ts';
import { trainFactory } from './train-factory.ts';

const TEMPLATES: Record<string, string[]> = {
  track_order: [
    'where is my order {n}',
    'track package {n}',
    'status of order {n}',
    'has order {n} shipped yet',
  ],
  refund: [
    'i want a refund for {n}',
    'give me my money back',
    'refund order {n} please',
    'how do i get refunded',
  ],
  cancel_order: [
    'cancel order {n}',
    'please cancel my purchase',
    'stop order {n} now',
    'i need to cancel it',
  ],
  oos: ['what is the weather today', 'tell me a joke', 'who won the game', 'play some music'],
};

function syntheticRows(perIntent: number): string[] {
  const rand = rng(5);
  const tails = ['', ' thanks', ' asap', ' !', ' please help'];
  return Object.entries(TEMPLATES).flatMap(([intent, ts]) =>
    Array.from({ length: perIntent }, (_, k) => {
      const text = ts[Math.floor(rand() * ts.length)]!.replace(
        '{n}',
        String(10000 + Math.floor(rand() * 90000)),
      );
      const split = k < perIntent * 0.6 ? 'train' : k < perIntent * 0.8 ? 'dev' : 'test';
      return JSON.stringify({ text: text + tails[Math.floor(rand() * tails.length)], intent, split });
    }),
  );
}

const dir = mkdtempSync(path.join(tmpdir(), 'acsa-ml-factory-'));
const data = path.join(dir, 'data.jsonl');
writeFileSync(data, `${syntheticRows(80).join('\n')}\n`);
const tiny = { buckets: 1 << 12, epochs: 12, batchSize: 8, patience: 12 };
const result = await trainFactory({
  files: [data],
  out: path.join(dir, 'model'),
  teacher: { ...tiny, embDim: 32, members: 2 },
  student: { ...tiny, embDim: 16 },
});

describe('the model factory, end to end on generated data', () => {
  it('writes teacher, student and int8 student bundles, the int8 one the smallest', () => {
    expect(result.bundles.map((b) => b.variant)).toEqual(['teacher', 'student', 'student-int8']);
    const size = (v: string) => result.bundles.find((b) => b.variant === v)!.manifest.model.sizeBytes;
    // At this toy width the per-row scales weigh in; at real widths int8 is close to 4× smaller.
    expect(size('student-int8') * 2).toBeLessThan(size('student'));
    const int8 = result.bundles[2]!.manifest;
    expect(int8.outOfScope.label).toBe('oos');
    expect(int8.lineage.teacherSha256).toBe(result.bundles[0]!.manifest.model.sha256);
    expect(int8.reference.confidenceHistogram.counts.reduce((s, c) => s + c, 0)).toBe(int8.metrics.dev.n);
  });

  it('loads a bundle and predicts a batch with calibrated top-k', async () => {
    const clf = await IntentClassifier.load(path.join(dir, 'model', 'student-int8'));
    const [a, b] = await clf.predict(['where is my order 55123', 'tell me a joke please'], { topK: 2 });
    expect(a).toMatchObject({ intent: 'track_order', outOfScope: false });
    expect(a!.topK).toHaveLength(2);
    expect(b).toMatchObject({ intent: 'oos', outOfScope: true });
    const test = readFileSync(data, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((r) => r.split === 'test');
    const report = await evaluate(clf, test, { latencySamples: 20 });
    expect(report.accuracy).toBeGreaterThan(0.9);
    expect(report.oosRecall).toBeGreaterThan(0.8);
    expect(report.p50LatencyMs).toBeGreaterThan(0);
    await clf.release();
  });

  it('refuses a bundle whose model does not match its sha256', async () => {
    const bundle = path.join(dir, 'model', 'student');
    const model = path.join(bundle, 'model.onnx');
    const bytes = readFileSync(model);
    bytes[bytes.length - 1]! ^= 1;
    writeFileSync(model, bytes);
    await expect(IntentClassifier.load(bundle)).rejects.toThrow(`${model}: sha256 mismatch`);
  });

  it('refuses a bundle made with a featuriser version this code does not compute', async () => {
    const bundle = path.join(dir, 'model', 'teacher');
    const manifestFile = path.join(bundle, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    manifest.featurizer.version = 99;
    writeFileSync(manifestFile, JSON.stringify(manifest));
    await expect(IntentClassifier.load(bundle)).rejects.toThrow(/featuriser version 99 is not supported/);
  });
});
