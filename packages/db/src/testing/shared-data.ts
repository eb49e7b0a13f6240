import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TaskMeta } from 'vitest';
import { testEnv } from './env.ts';

// Declared where vitest's runner defines it (vitest only re-exports it, and a re-export cannot be augmented).
declare module '@vitest/runner' {
  interface TaskMeta {
    /** Why the test is skipped where it is: `npm test` counts the skipped tests under each reason. */
    skipReason?: string;
  }
}

/**
 * The public datasets (banking77, clinc150, the Bitext sets) live beside the repository, never in it:
 * `ACSA_SHARED_DATA`, else `../shared/data` from the repository root. Read once, when a test file starts.
 */
export const SHARED_DATA_DIR = testEnv().sharedData;

/** A shared dataset's JSONL (`<dir>/<name>/<name>.jsonl`, the layout of each one), or null where it is absent. */
export function sharedDataset(name: string): string | null {
  const file = join(SHARED_DATA_DIR, name, `${name}.jsonl`);
  return existsSync(file) ? file : null;
}

/**
 * Options for a test or suite that reads the shared datasets: skipped where they are absent (`present` is
 * falsy), with the reason `npm test` prints. A test skipped for another reason (-t, .only) states none.
 */
export function needsSharedData(present: string | boolean | null): { skip: boolean; meta: TaskMeta } {
  if (present) return { skip: false, meta: {} };
  return {
    skip: true,
    meta: { skipReason: `shared datasets not found in ${SHARED_DATA_DIR} (set ACSA_SHARED_DATA)` },
  };
}
