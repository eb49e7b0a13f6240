import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SUPPORTED_FEATURIZER_VERSIONS } from '../featurize/featurizer-config.ts';
import { BundleError } from './bundle-error.ts';
import { MANIFEST_FILE, MODEL_FILE, type TManifest, ZManifest } from './manifest.ts';
import { sha256 } from './write-bundle.ts';

export type TBundle = { dir: string; manifest: TManifest; onnx: Uint8Array };

/**
 * Reads and verifies a bundle: the manifest must parse, its featuriser version must be one this code
 * computes identically, and model.onnx must hash to the recorded sha256. Anything else is refused, so a
 * half-copied or tampered model never serves traffic.
 */
export function readBundle(dir: string): TBundle {
  const manifestFile = path.join(dir, MANIFEST_FILE);
  const modelFile = path.join(dir, MODEL_FILE);
  const manifest = parseManifest(manifestFile);
  const version = manifest.featurizer.version;
  if (!SUPPORTED_FEATURIZER_VERSIONS.includes(version)) {
    throw new BundleError(
      manifestFile,
      `featuriser version ${version} is not supported (this build computes version ${SUPPORTED_FEATURIZER_VERSIONS.join(', ')}); retrain the model`,
    );
  }
  let onnx: Uint8Array;
  try {
    onnx = readFileSync(modelFile);
  } catch (err) {
    throw new BundleError(modelFile, `cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const actual = sha256(onnx);
  if (actual !== manifest.model.sha256) {
    throw new BundleError(
      modelFile,
      `sha256 mismatch: manifest says ${manifest.model.sha256}, file is ${actual}`,
    );
  }
  return { dir, manifest, onnx };
}

function parseManifest(file: string): TManifest {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (err) {
    throw new BundleError(
      file,
      `cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'}); is this a model bundle?`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new BundleError(file, 'not valid JSON');
  }
  const parsed = ZManifest.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BundleError(file, `invalid manifest at "${issue.path.join('.')}": ${issue.message}`);
  }
  return parsed.data;
}
