import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TREES = ['apps', 'pipelines', 'packages'];
const SKIP = /(^|\/)(node_modules|\.next|dist|var|bench)(\/|$)/;
const TEST = /\.(test|e2e)\.tsx?$/;

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (SKIP.test(relative(ROOT, path))) continue;
    if (entry.isDirectory()) yield* sources(path);
    else if (/\.tsx?$/.test(entry.name) && !TEST.test(entry.name)) yield path;
  }
}

// A BullMQ worker (not node:worker_threads' Worker): Worker taken as a value from 'bullmq', or a subclass.
const BULLMQ_WORKER = /import\s*\{[^}]*(?<!type\s)\bWorker\b[^}]*\}\s*from\s*'bullmq'/;
const CONSTRUCTS = /new\s+(Worker|\w+Worker)\s*\(/;

describe('worker metrics', () => {
  it('every file of the product that creates a BullMQ worker gives it WORKER_METRICS', () => {
    const creators = TREES.flatMap((t) => [...sources(join(ROOT, t))])
      .map((path) => ({ path: relative(ROOT, path), text: readFileSync(path, 'utf8') }))
      .filter(
        ({ text }) => CONSTRUCTS.test(text) && (BULLMQ_WORKER.test(text) || /new\s+StepWorker\(/.test(text)),
      );
    // The queues page's throughput reads as zero for any queue whose workers keep no metrics.
    expect(creators.map((c) => c.path)).not.toEqual([]);
    expect(creators.filter((c) => !c.text.includes('WORKER_METRICS')).map((c) => c.path)).toEqual([]);
  });
});
