import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

export type TObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: manifests are checked against their schemas, not typed here.
  [field: string]: any;
};

type TKustomization = {
  namespace?: string;
  resources?: string[];
  labels?: { pairs: Record<string, string> }[];
  images?: { name: string; newName?: string; newTag?: string }[];
  secretGenerator?: { name: string; literals?: string[] }[];
  configMapGenerator?: { name: string; files?: string[]; options?: { disableNameSuffixHash?: boolean } }[];
  generatorOptions?: { disableNameSuffixHash?: boolean };
  patches?: { target: { kind: string; name: string }; patch: string }[];
};

const CLUSTER_SCOPED = new Set(['Namespace']);

export function readYaml(file: string): TObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as TObject | null)
    .filter((o): o is TObject => o != null);
}

/** Applies one RFC 6902 operation (replace / add only: what the overlays use). */
function applyOp(target: TObject, op: { op: string; path: string; value: unknown }) {
  const keys = op.path
    .split('/')
    .slice(1)
    .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
  const last = keys.pop() as string;
  // biome-ignore lint/suspicious/noExplicitAny: walking arbitrary JSON.
  let node: any = target;
  for (const k of keys) {
    node = node?.[k];
    if (node === undefined)
      throw new Error(`patch path ${op.path} not found in ${target.kind}/${target.metadata.name}`);
  }
  if (op.op === 'replace' && !(last in node)) throw new Error(`replace of missing ${op.path}`);
  if (op.op !== 'replace' && op.op !== 'add') throw new Error(`unsupported patch op ${op.op}`);
  // JSON Patch: "add" at "-" appends to an array.
  if (op.op === 'add' && last === '-' && Array.isArray(node)) node.push(op.value);
  else node[last] = op.value;
}

/**
 * kustomize's name suffix for a generated ConfigMap (api/hasher): the first 10 hex digits of the SHA-256 of
 * Go's json.Marshal of {data, kind, name} (keys sorted, <, >, & escaped), with 0 1 3 a e swapped for
 * g h k m t so the suffix never reads as a number or a word. The name is hashed empty, as kustomize 5 does
 * (it looks the name up as one field called "metadata/name", which no object has): checked against
 * `kubectl kustomize` by k8s.test.ts where kubectl is installed.
 */
export function configMapHash(data: Record<string, string>): string {
  const sorted = Object.fromEntries(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const json = JSON.stringify({ data: sorted, kind: 'ConfigMap', name: '' }).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  const swap: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };
  return [...createHash('sha256').update(json).digest('hex').slice(0, 10)].map((c) => swap[c] ?? c).join('');
}

/** Points a pod's references to ConfigMap `from` at `to`, where kustomize's nameReference rewrites them. */
// biome-ignore lint/suspicious/noExplicitAny: a pod spec of a manifest.
function renameConfigMapRefs(pod: any, from: string, to: string): void {
  const rename = (ref?: { name?: string }) => {
    if (ref?.name === from) ref.name = to;
  };
  for (const v of pod?.volumes ?? []) {
    rename(v.configMap);
    for (const source of v.projected?.sources ?? []) rename(source.configMap);
  }
  for (const c of [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])]) {
    for (const e of c.env ?? []) rename(e.valueFrom?.configMapKeyRef);
    for (const e of c.envFrom ?? []) rename(e.configMapRef);
  }
}

/**
 * The subset of `kustomize build` these overlays use (resources, namespace, labels without selectors,
 * images, secretGenerator literals without hash suffix, configMapGenerator files with it, JSON 6902
 * patches), so the manifests are checked on machines without kubectl; where kubectl is installed the test
 * compares the two builds. A patch targets a generated ConfigMap by its name before the hash, as kustomize's
 * do, but only in the kustomization that generates it: an overlay sees the hashed name.
 */
export function miniKustomize(dir: string): TObject[] {
  const k = readYaml(path.join(dir, 'kustomization.yaml'))[0] as unknown as TKustomization;
  let objects: TObject[] = [];
  for (const r of k.resources ?? []) {
    const p = path.join(dir, r);
    objects.push(...(statSync(p).isDirectory() ? miniKustomize(p) : readYaml(p)));
  }
  for (const g of k.secretGenerator ?? []) {
    const data: Record<string, string> = {};
    for (const literal of g.literals ?? []) {
      const at = literal.indexOf('=');
      let value = literal.slice(at + 1);
      if (/^(['"]).*\1$/.test(value)) value = value.slice(1, -1);
      data[literal.slice(0, at)] = Buffer.from(value).toString('base64');
    }
    objects.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: g.name }, type: 'Opaque', data });
  }
  const hashed = new Set<string>();
  for (const g of k.configMapGenerator ?? []) {
    const data: Record<string, string> = {};
    for (const file of g.files ?? []) {
      // `key=path`, or the file's name as its key.
      const [key, source] = file.includes('=') ? file.split('=', 2) : [path.basename(file), file];
      data[key as string] = readFileSync(path.join(dir, source as string), 'utf8');
    }
    objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: g.name }, data });
    if (!(g.options?.disableNameSuffixHash ?? k.generatorOptions?.disableNameSuffixHash)) hashed.add(g.name);
  }
  for (const { target, patch } of k.patches ?? []) {
    const matches = objects.filter((o) => o.kind === target.kind && o.metadata.name === target.name);
    if (matches.length !== 1)
      throw new Error(`patch target ${target.kind}/${target.name} matched ${matches.length}`);
    for (const op of readYaml0(patch)) applyOp(matches[0] as TObject, op);
  }
  const images = new Map((k.images ?? []).map((i) => [i.name, i]));
  objects = objects.map((o) => {
    const labels = Object.assign({}, ...(k.labels ?? []).map((l) => l.pairs));
    const out = structuredClone(o);
    const merged = { ...out.metadata.labels, ...labels };
    if (Object.keys(merged).length > 0) out.metadata.labels = merged;
    if (k.namespace && !CLUSTER_SCOPED.has(o.kind)) out.metadata.namespace = k.namespace;
    const pod = out.spec?.template?.spec;
    for (const c of [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])]) {
      const [name, tag] = String(c.image).split(':');
      const image = images.get(name as string);
      if (image) c.image = `${image.newName ?? name}:${image.newTag ?? tag}`;
    }
    return out;
  });
  for (const name of hashed) {
    const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name) as TObject;
    configMap.metadata.name = `${name}-${configMapHash(configMap.data)}`;
    for (const o of objects) {
      renameConfigMapRefs(o.spec?.template?.spec, name, configMap.metadata.name);
      renameConfigMapRefs(o.spec?.jobTemplate?.spec?.template?.spec, name, configMap.metadata.name);
    }
  }
  return objects;
}

function readYaml0(text: string): { op: string; path: string; value: unknown }[] {
  return parseAllDocuments(text)[0]?.toJS() ?? [];
}

export function hasKubectl(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function kubectlKustomize(dir: string): TObject[] {
  const text = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  return parseAllDocuments(text)
    .map((d) => d.toJS() as TObject | null)
    .filter((o): o is TObject => o != null);
}
