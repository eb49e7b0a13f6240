import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MANIFEST_FILE, MODEL_FILE, type TManifest, ZManifest } from './manifest.ts';

export const sha256 = (bytes: Uint8Array | string): string =>
  createHash('sha256').update(bytes).digest('hex');

export type TBundleDraft = Omit<TManifest, 'model' | 'format' | 'formatVersion'> & {
  model: Omit<TManifest['model'], 'sha256' | 'sizeBytes' | 'file'>;
};

/** Writes `dir/model.onnx` and `dir/manifest.json`; the manifest records the model's sha256 and size. */
export function writeBundle(dir: string, onnx: Uint8Array, draft: TBundleDraft): TManifest {
  mkdirSync(dir, { recursive: true });
  const manifest = ZManifest.parse({
    format: 'acsa-intent-bundle',
    formatVersion: 1,
    ...draft,
    model: { ...draft.model, file: MODEL_FILE, sha256: sha256(onnx), sizeBytes: onnx.byteLength },
  });
  writeFileSync(path.join(dir, MODEL_FILE), onnx);
  writeFileSync(path.join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
