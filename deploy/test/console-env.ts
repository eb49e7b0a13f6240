import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../apps/console/src/', import.meta.url));
/** Read by Node, Next.js's standalone server (HOSTNAME, PORT) or the OpenTelemetry SDK, not by our code. */
const RUNTIME = /^(NODE_ENV|HOSTNAME|PORT|OTEL_\w+)$/;

/**
 * The variables in `names` that no code of the console reads: env.ts parsing one (or a test naming it) is
 * not a reader. A deploy file setting such a variable promises a setting that changes nothing.
 */
export function unreadConsoleVariables(names: string[]): string[] {
  const code = readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f) && f !== 'env.ts')
    .map((f) => readFileSync(path.join(SRC, f), 'utf8'))
    .join('\n');
  return names.filter((name) => !RUNTIME.test(name) && !new RegExp(`\\b${name}\\b`).test(code));
}
