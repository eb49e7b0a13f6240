import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';

export type TBackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
let chosen: TBackendName | undefined;

/**
 * Picks the fastest TensorFlow.js backend that works on this machine, once per process: the native
 * bindings when installed (they are optional: their install downloads libtensorflow), else WASM, else the
 * pure-JS CPU backend. The caller logs the answer so a slow run can be explained.
 */
export async function selectBackend(log: (line: string) => void = () => {}): Promise<TBackendName> {
  if (chosen) return chosen;
  const attempts: Array<[TBackendName, () => Promise<boolean>]> = [
    ['tensorflow-gpu', () => tryNative('@tensorflow/tfjs-node-gpu', true)],
    ['tensorflow', () => tryNative('@tensorflow/tfjs-node', false)],
    ['wasm', tryWasm],
    ['cpu', () => tf.setBackend('cpu')],
  ];
  for (const [name, attempt] of attempts) {
    try {
      if (await attempt()) {
        chosen = name;
        log(`tensorflow.js backend: ${name}`);
        return name;
      }
    } catch {
      // Not installed or not usable here: fall through to the next backend.
    }
  }
  throw new Error('no TensorFlow.js backend could be initialised');
}

async function tryNative(pkg: string, needsGpu: boolean): Promise<boolean> {
  const mod = (await import(pkg)) as { version?: unknown };
  if (!mod || !(await tf.setBackend('tensorflow'))) return false;
  if (!needsGpu) return true;
  // tfjs-node-gpu silently runs on the CPU when CUDA is missing; only call it a GPU backend when one is seen.
  const { execFileSync } = await import('node:child_process');
  execFileSync('nvidia-smi', ['-L'], { stdio: 'ignore' });
  return true;
}

async function tryWasm(): Promise<boolean> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const require = createRequire(import.meta.url);
  const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  wasm.setWasmPaths(`${path.join(dir, 'dist')}/`);
  return tf.setBackend('wasm');
}

export { tf };
