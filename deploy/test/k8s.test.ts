import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { testServiceUrls } from '@acsa/db/testing';
import { ScaledObject, TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import Fastify from 'fastify';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, PersistentVolumeClaim, Secret, Service } from 'kubernetes-models/v1';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { loadEnv } from '../../apps/serving/src/env.ts';
import { unreadConsoleVariables } from './console-env.ts';
import {
  configMapHash,
  hasKubectl,
  kubectlKustomize,
  miniKustomize,
  readYaml,
  type TObject,
} from './kustomize-build.ts';
import { ingressAdmits, ingressPoliciesOf, type TPeer } from './network-policy.ts';

const K8S = fileURLToPath(new URL('../k8s/', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OVERLAYS = ['dev', 'production'] as const;

// Each kind's typed model validates the object against the Kubernetes (or KEDA CRD) OpenAPI schema.
const MODELS: Record<string, new (o: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'batch/v1/Job': Job,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
  'keda.sh/v1alpha1/TriggerAuthentication': TriggerAuthentication,
};

function validate(o: TObject): void {
  const Model = MODELS[`${o.apiVersion}/${o.kind}`];
  if (!Model) throw new Error(`no schema for ${o.apiVersion} ${o.kind} (${o.metadata.name})`);
  new Model(o as never).validate();
}

const build = (overlay: string) => miniKustomize(path.join(K8S, 'overlays', overlay));
const find = (objects: TObject[], kind: string, name: string) => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`${kind}/${name} missing`);
  return o;
};
type TEnv = { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } };
const deployments = (objects: TObject[]) => objects.filter((o) => o.kind === 'Deployment');
/** The ConfigMap PgBouncer's pods mount as their pgbouncer.ini. */
const pgbouncerConfig = (objects: TObject[]) => {
  const volumes = find(objects, 'Deployment', 'pgbouncer').spec.template.spec.volumes;
  const name = volumes.find((v: { name: string }) => v.name === 'config')?.configMap?.name;
  return find(objects, 'ConfigMap', name);
};
const envOf = (d: TObject, name: string) =>
  // biome-ignore lint/suspicious/noExplicitAny: env entries of a validated manifest.
  d.spec.template.spec.containers[0].env.find((e: any) => e.name === name);

it('rejects an object that breaks its schema (the check can fail)', () => {
  const bad = structuredClone(find(build('dev'), 'Deployment', 'serving'));
  bad.spec.replicas = 'two';
  expect(() => validate(bad)).toThrow(/replicas must be integer/);
  const badScaler = structuredClone(find(build('dev'), 'ScaledObject', 'trainer-workers'));
  badScaler.spec.triggers[0].metadata.listLength = 10_000;
  expect(() => validate(badScaler)).toThrow(/listLength must be string/);
});

describe.each(OVERLAYS)('overlay %s', (overlay) => {
  const objects = build(overlay);

  it('builds objects that each pass the Kubernetes or KEDA schema of their kind', () => {
    expect(objects.length).toBeGreaterThan(15);
    for (const o of objects) expect(() => validate(o), `${o.kind}/${o.metadata.name}`).not.toThrow();
    const names = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(new Set(names).size, 'no duplicates').toBe(names.length);
  });

  it.skipIf(!hasKubectl())('matches what kubectl kustomize builds', () => {
    const real = kubectlKustomize(path.join(K8S, 'overlays', overlay));
    const key = (o: TObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    expect(real.map(key).sort()).toEqual(objects.map(key).sort());
    for (const o of real) {
      validate(o);
      const mine = objects.find((x) => key(x) === key(o)) as TObject;
      expect(mine.spec, key(o)).toEqual(o.spec);
      expect(mine.data, key(o)).toEqual(o.data);
    }
  });

  it('runs every app non-root with requests, limits, readiness and liveness', () => {
    for (const d of deployments(objects)) {
      const pod = d.spec.template.spec;
      expect(pod.securityContext.runAsNonRoot, d.metadata.name).toBe(true);
      for (const c of pod.containers) {
        expect(c.resources.requests.cpu && c.resources.requests.memory, d.metadata.name).toBeTruthy();
        expect(c.resources.limits.cpu && c.resources.limits.memory, d.metadata.name).toBeTruthy();
        expect(c.readinessProbe && c.livenessProbe, d.metadata.name).toBeTruthy();
        expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
        // Secrets only by reference: no literal value carries a password or a secret.
        for (const e of c.env ?? []) {
          if (e.value !== undefined)
            expect(`${e.name}=${e.value}`).not.toMatch(/SECRET|PASSWORD|:\/\/[^/]*:[^/]*@/);
        }
      }
    }
  });

  it('sets on the console only variables its code reads', () => {
    const names = find(objects, 'Deployment', 'console').spec.template.spec.containers[0].env.map(
      (e: TEnv) => e.name,
    );
    expect(unreadConsoleVariables(names)).toEqual([]);
  });

  it('restarts a pod only when its process stops answering, never for a database or Redis outage', () => {
    // Serving's /healthz and the trainer's /livez and the console's /api/live ask no dependency (their
    // readiness probes do): a liveness probe failing through an outage would restart every pod at once.
    const liveness = Object.fromEntries(
      deployments(objects)
        .filter((d) => d.metadata.name !== 'pgbouncer')
        .map((d) => [d.metadata.name, d.spec.template.spec.containers[0].livenessProbe.httpGet.path]),
    );
    expect(liveness).toEqual({ serving: '/healthz', trainer: '/livez', console: '/api/live' });
  });

  it('serves only with a model loaded, and drains within the grace period', () => {
    const serving = find(objects, 'Deployment', 'serving');
    const pod = serving.spec.template.spec;
    const c = pod.containers[0];
    expect(c.readinessProbe.httpGet.path).toBe('/readyz');
    expect(c.livenessProbe.httpGet.path).toBe('/healthz');
    const preStopSeconds = Number(c.lifecycle.preStop.exec.command[1]);
    const drainSeconds = Number(envOf(serving, 'SHUTDOWN_TIMEOUT_MS').value) / 1000;
    expect(preStopSeconds).toBeGreaterThanOrEqual(5);
    expect(preStopSeconds + drainSeconds).toBeLessThan(pod.terminationGracePeriodSeconds);
    expect(serving.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    // Measured worker peak RSS (229 MB, bench/deploy/serving-rss.ts) fits with room for a model swap.
    expect(c.resources.limits.memory).toBe('384Mi');
    expect(
      find(objects, 'Deployment', 'trainer').spec.template.spec.containers[0].resources.limits.memory,
    ).toBe('4Gi');
  });

  it('has Prometheus scrape serving on its metrics port, which the Service does not expose', () => {
    const serving = find(objects, 'Deployment', 'serving');
    const c = serving.spec.template.spec.containers[0];
    // biome-ignore lint/suspicious/noExplicitAny: validated above.
    const port = (name: string) => c.ports.find((p: any) => p.name === name)?.containerPort;
    const annotations = serving.spec.template.metadata.annotations;
    expect(annotations['prometheus.io/port']).toBe(String(port('metrics')));
    expect(annotations['prometheus.io/path']).toBe('/metrics');
    expect(envOf(serving, 'METRICS_PORT').value).toBe(String(port('metrics')));
    expect(envOf(serving, 'PORT').value).toBe(String(port('http')));
    expect(port('metrics')).not.toBe(port('http'));
    const service = find(objects, 'Service', 'serving');
    // biome-ignore lint/suspicious/noExplicitAny: validated above.
    const targets = service.spec.ports.map((p: any) => p.targetPort);
    expect(targets).toEqual(['http']);
    expect(targets).not.toContain('metrics');
    expect(targets).not.toContain(port('metrics'));
  });

  it("believes the in-cluster ingress's X-Forwarded-For, and no one else's", async () => {
    const value = envOf(find(objects, 'Deployment', 'serving'), 'TRUST_PROXY')?.value;
    expect(value, 'TRUST_PROXY: behind an ingress every shopper would share one address').toBeTruthy();
    // As serving reads it, and as Fastify then resolves request.ip.
    const app = Fastify({ trustProxy: loadEnv({ TRUST_PROXY: value }).TRUST_PROXY });
    app.get('/ip', async (request) => request.ip);
    const ipOf = async (remoteAddress: string, forwarded?: string) =>
      (
        await app.inject({
          url: '/ip',
          remoteAddress,
          headers: forwarded ? { 'x-forwarded-for': forwarded } : {},
        })
      ).body;
    const ingressPod = '10.244.1.7';
    // The shopper's address, as the ingress forwards it; one the shopper forged before it is ignored.
    expect(await ipOf(ingressPod, '198.51.100.23')).toBe('198.51.100.23');
    expect(await ipOf(ingressPod, '203.0.113.99, 198.51.100.23')).toBe('198.51.100.23');
    expect(await ipOf('2001:db8::1', '10.0.0.1')).toBe('2001:db8::1');
    // A client reaching the pod other than through a proxy cannot choose its address.
    expect(await ipOf('198.51.100.50', '203.0.113.1')).toBe('198.51.100.50');
    await app.close();
  });

  it('scales serving on CPU and turns in flight per pod, and trainer workers on queue depth', () => {
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'serving');
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'serving' });
    // biome-ignore lint/suspicious/noExplicitAny: validated above.
    const kinds = hpa.spec.metrics.map((m: any) => m.resource?.name ?? m.pods?.metric.name);
    expect(kinds).toEqual(['cpu', 'acsa_chat_turns_in_flight']);
    expect(hpa.spec.minReplicas).toBeLessThanOrEqual(hpa.spec.maxReplicas);

    const scaler = find(objects, 'ScaledObject', 'trainer-workers');
    find(objects, 'Deployment', scaler.spec.scaleTargetRef.name);
    expect(scaler.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
    // biome-ignore lint/suspicious/noExplicitAny: validated above.
    const lists = scaler.spec.triggers.map((t: any) => t.metadata.listName);
    // The wait lists of the queues the trainer consumes, under the default BullMQ prefix.
    expect(lists).toEqual(['acsa:bull:acsa.interactions.v1:wait', 'acsa:bull:acsa.retrain-cpu.v1:wait']);
    for (const t of scaler.spec.triggers) {
      find(objects, 'TriggerAuthentication', t.authenticationRef.name);
      expect(envOf(find(objects, 'Deployment', 'trainer'), t.metadata.addressFromEnv)).toBeTruthy();
    }
  });

  it('leaves the replica count of an autoscaled Deployment to its autoscaler, and sets it on the others', () => {
    // A GitOps sync (server-side apply) writes spec.replicas back at each sync, undoing every scale-up.
    const scaled = objects
      .filter((o) => o.kind === 'HorizontalPodAutoscaler' || o.kind === 'ScaledObject')
      .map((o) => o.spec.scaleTargetRef)
      .filter((ref) => (ref.kind ?? 'Deployment') === 'Deployment')
      .map((ref) => ref.name as string);
    expect(scaled.sort()).toEqual(['serving', 'trainer']);
    for (const d of deployments(objects))
      if (scaled.includes(d.metadata.name)) expect(d.spec.replicas, d.metadata.name).toBeUndefined();
      else expect(d.spec.replicas, d.metadata.name).toBeGreaterThanOrEqual(1);
  });

  it('has a disruption budget for every app, selecting its pods', () => {
    for (const d of deployments(objects)) {
      const pdbs = objects.filter(
        (o) =>
          o.kind === 'PodDisruptionBudget' &&
          Object.entries(o.spec.selector.matchLabels).every(
            ([k, v]) => d.spec.template.metadata.labels[k] === v,
          ),
      );
      expect(pdbs, d.metadata.name).toHaveLength(1);
    }
  });

  it('admits shoppers and reviewers through the ingress, Prometheus to the metrics, and only the apps to PgBouncer', () => {
    const pods = [...deployments(objects), ...objects.filter((o) => o.kind === 'Job')];
    const peer = (o: TObject): TPeer => ({
      namespace: o.metadata.namespace ?? 'default',
      labels: o.spec.template.metadata.labels,
    });
    const target = (app: string, portName: string) => {
      const d = find(objects, 'Deployment', app);
      // biome-ignore lint/suspicious/noExplicitAny: validated above.
      const port = d.spec.template.spec.containers[0].ports.find((p: any) => p.name === portName);
      expect(port, `${app} has a port named ${portName}`).toBeTruthy();
      return { ...peer(d), port };
    };
    const admits = (from: TPeer, to: ReturnType<typeof target>) => ingressAdmits(objects, from, to);
    // A pod no policy selects takes connections from every pod of the cluster.
    for (const d of deployments(objects))
      expect(ingressPoliciesOf(objects, peer(d)), d.metadata.name).toHaveLength(1);

    const namespace = peer(find(objects, 'Deployment', 'serving')).namespace;
    const ingress: TPeer = {
      namespace: 'ingress-nginx',
      labels: { 'app.kubernetes.io/name': 'ingress-nginx' },
    };
    const prometheus: TPeer = { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } };
    const stray: TPeer = { namespace, labels: { 'app.kubernetes.io/name': 'debug-shell' } };
    const elsewhere: TPeer = { namespace: 'shop-frontend', labels: { app: 'storefront' } };
    // The storefront's API and the console, from an ingress controller in any namespace.
    expect(admits(ingress, target('serving', 'http'))).toBe(true);
    expect(admits(ingress, target('console', 'http'))).toBe(true);
    // Every port a scrape job keeps (its regex names the app and the port): Prometheus, and no one else.
    const scrape = readFileSync(path.join(ROOT, 'deploy/observability/prometheus-scrape.yaml'), 'utf8');
    const scraped = [...scrape.matchAll(/regex: ([\w-]+);([\w-]+)/g)].map(
      (m) => [m[1] ?? '', m[2] ?? ''] as const,
    );
    expect(scraped).toEqual([
      ['serving', 'metrics'],
      ['trainer', 'http'],
    ]);
    for (const [app, port] of scraped) {
      expect(admits(prometheus, target(app, port)), `Prometheus to ${app}:${port}`).toBe(true);
      for (const other of [ingress, stray, elsewhere])
        expect(
          admits(other, target(app, port)),
          `${other.labels['app.kubernetes.io/name'] ?? 'storefront'} to ${app}:${port}`,
        ).toBe(false);
    }
    // PgBouncer: exactly the pods whose database URL names one of its pools (as the dev Secret's URLs do).
    const secret = build('dev').find((o) => o.kind === 'Secret') as TObject;
    const pooled = new Set(
      Object.entries(secret.data as Record<string, string>)
        .filter(([, v]) => /^postgres(ql)?:/.test(Buffer.from(v, 'base64').toString()))
        .filter(([, v]) => new URL(Buffer.from(v, 'base64').toString()).hostname === 'pgbouncer')
        .map(([k]) => k),
    );
    expect(pooled.size).toBeGreaterThanOrEqual(3);
    for (const o of pods) {
      const { initContainers = [], containers } = o.spec.template.spec;
      const usesPool = [...initContainers, ...containers].some((c: { env?: TEnv[] }) =>
        (c.env ?? []).some((e) => pooled.has(e.valueFrom?.secretKeyRef?.key ?? '')),
      );
      expect(
        admits(peer(o), target('pgbouncer', 'pgbouncer')),
        `${o.kind} ${o.metadata.name} to PgBouncer`,
      ).toBe(usesPool);
    }
    expect(admits(stray, target('pgbouncer', 'pgbouncer'))).toBe(false);
  });

  it('names the database servers PgBouncer’s pools reach (production: Services for the managed ones)', () => {
    const ini = String(pgbouncerConfig(objects).data['pgbouncer.ini']);
    const hosts = new Set([...ini.matchAll(/host=([\w.-]+)/g)].map((m) => m[1]));
    expect([...hosts].sort()).toEqual(['postgres-primary', 'postgres-replica']);
    // The dev overlay's cluster runs them beside the apps; production names the managed servers.
    if (overlay === 'production')
      for (const host of hosts)
        expect(find(objects, 'Service', host as string).spec.type, host).toBe('ExternalName');
  });

  it('rolls PgBouncer’s pods when pgbouncer.ini changes: the ConfigMap they mount is named for its content', () => {
    // A subPath mount never sees a ConfigMap's new data: only a new name in the pod template restarts them.
    const configMap = pgbouncerConfig(objects);
    expect(configMap.data['pgbouncer.ini']).toBe(
      readFileSync(path.join(K8S, 'base', 'pgbouncer.ini'), 'utf8'),
    );
    expect(configMap.metadata.name).toBe(`pgbouncer-${configMapHash(configMap.data)}`);
  });

  it('runs a PgBouncer release of 1.21 or later, named by its version', () => {
    // Serving's named prepared statements need max_prepared_statements (1.21); an untagged image is
    // whatever :latest is on the day a node pulls it.
    const { image } = find(objects, 'Deployment', 'pgbouncer').spec.template.spec.containers[0];
    const [, major, minor] =
      /^[^@]+:v?(\d+)\.(\d+)\.\d+(?:-[\w.]+)?(?:@sha256:[0-9a-f]{64})?$/.exec(image) ?? [];
    expect(major, `${image} names a version`).toBeDefined();
    expect(Number(major) * 1000 + Number(minor), image).toBeGreaterThanOrEqual(1021);
  });

  it('applies the migrations straight to the primary, and starts no app before they are all in', () => {
    const job = find(objects, 'Job', 'migrate');
    const pod = job.spec.template.spec;
    const [migrate] = pod.containers;
    expect(migrate.command).toEqual(['node', '--import', 'tsx', 'scripts/db-migrate.ts', 'deploy']);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(migrate.resources.limits.memory).toBeTruthy();
    // A finished Job goes, so the next release's apply can create it anew (a pod template cannot change).
    expect(job.spec.ttlSecondsAfterFinished).toBeGreaterThan(0);
    const migrateUrl = (c: { env: TEnv[] }) =>
      c.env.find((e) => e.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef?.key;
    expect(migrateUrl(migrate)).toBe('MIGRATE_DATABASE_URL');
    for (const d of deployments(objects).filter((x) => x.metadata.name !== 'pgbouncer')) {
      const wait = d.spec.template.spec.initContainers?.[0];
      expect(wait?.name, d.metadata.name).toBe('wait-for-schema');
      expect(wait.image, d.metadata.name).toBe(migrate.image);
      expect(wait.command.join(' '), d.metadata.name).toContain('scripts/db-migrate.ts ready');
      expect(migrateUrl(wait)).toBe('MIGRATE_DATABASE_URL');
      const mounted = wait.volumeMounts.map((m: { name: string }) => m.name);
      const volumes = d.spec.template.spec.volumes.map((v: { name: string }) => v.name);
      expect(volumes, d.metadata.name).toEqual(expect.arrayContaining(mounted));
    }
    const secret = objects.find((o) => o.kind === 'Secret');
    if (secret) {
      // Transaction pooling would hand the migration's advisory lock statements to different connections.
      const url = Buffer.from(secret.data.MIGRATE_DATABASE_URL, 'base64').toString();
      expect(url).not.toContain('pgbouncer');
    }
  });

  it('trains a first model once the schema is in, so a new installation answers', () => {
    const job = find(objects, 'Job', 'first-model');
    const pod = job.spec.template.spec;
    const [migrate] = find(objects, 'Job', 'migrate').spec.template.spec.containers;
    const [wait] = pod.initContainers;
    const [train] = pod.containers;
    expect(wait.command).toEqual(
      find(objects, 'Deployment', 'serving').spec.template.spec.initContainers[0].command,
    );
    expect(train.image).toBe(migrate.image);
    expect(train.command).toEqual(['node', '--import', 'tsx', 'scripts/bootstrap-model.ts']);
    const secretKey = (name: string) =>
      train.env.find((e: TEnv) => e.name === name)?.valueFrom?.secretKeyRef?.key;
    expect(secretKey('DATABASE_URL')).toBe('MIGRATE_DATABASE_URL');
    expect(secretKey('REDIS_URL')).toBe('REDIS_URL');
    // Its corpus and bundles are written under the image's /app/var, on a root that is read-only.
    expect(train.securityContext.readOnlyRootFilesystem).toBe(true);
    const work = train.volumeMounts.find((m: { mountPath: string }) => m.mountPath === '/app/var');
    expect(pod.volumes.find((v: { name: string }) => v.name === work?.name)?.emptyDir).toBeTruthy();
    // Above the ~750 MB peak RSS of that training (measured: /usr/bin/time -v on bootstrap-model.ts).
    expect(train.resources.limits.memory).toBe('2Gi');
    expect(job.spec.ttlSecondsAfterFinished).toBeGreaterThan(0);
  });

  it('takes every secret from a Secret object', () => {
    const pods = [...deployments(objects), ...objects.filter((o) => o.kind === 'Job')].map(
      (o) => o.spec.template.spec,
    );
    const refs = pods.flatMap((pod) =>
      [...(pod.initContainers ?? []), ...pod.containers].flatMap((c: { env?: TEnv[] }) =>
        (c.env ?? []).filter((e: TEnv) => e.valueFrom?.secretKeyRef),
      ),
    );
    expect(refs.map((e) => e.name)).toEqual(
      expect.arrayContaining(['DATABASE_URL', 'REDIS_URL', 'CUSTOMER_TOKEN_SECRET']),
    );
    const secret = objects.find((o) => o.kind === 'Secret');
    if (overlay === 'production') {
      // Created out of band: the repository holds no production secret at all.
      expect(secret).toBeUndefined();
      return;
    }
    for (const { valueFrom } of refs as Required<TEnv>[]) {
      const ref = valueFrom.secretKeyRef as { name: string; key: string };
      expect(ref.name).toBe('acsa-secrets');
      expect(Object.keys(secret?.data ?? {})).toContain(ref.key);
    }
  });
});

it('suffixes a generated ConfigMap with the hash kubectl kustomize gives it', () => {
  // As kubectl 1.32 (kustomize 5.5) names `configMapGenerator: [{ name: x, files: [f.txt] }]`, f.txt "a\n":
  // the check of the pgbouncer-<hash> name above holds where no kubectl is installed to compare builds.
  expect(configMapHash({ 'f.txt': 'a\n' })).toBe('hmd6g274gg');
});

it('declares the prometheus-adapter rule the serving HPA reads', () => {
  const [rules] = readYaml(path.join(K8S, 'prometheus-adapter', 'rules.yaml'));
  validate(rules as TObject);
  expect(rules?.data['config.yaml']).toContain('as: acsa_chat_turns_in_flight');
});

it('runs the migrate Job’s and the init containers’ commands as written, against a new database', async () => {
  const objects = build('dev');
  const [migrate] = find(objects, 'Job', 'migrate').spec.template.spec.containers;
  const [wait] = find(objects, 'Deployment', 'serving').spec.template.spec.initContainers;
  // The init container's shell loop runs this until it exits 0.
  const ready = /until (.+?); do/.exec(wait.command[2])?.[1]?.split(' ') as string[];
  const url = new URL(testServiceUrls().databaseUrl);
  url.pathname = `/acsa_test_${Date.now().toString(36)}_migrate`;
  // From the repository root, as the image's working directory /app holds it (the Dockerfile's build stage).
  const run = ([cmd, ...args]: string[]) =>
    spawnSync(cmd === 'node' ? process.execPath : (cmd as string), args, {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: url.toString() },
      encoding: 'utf8',
    });
  try {
    const before = run(ready);
    expect(before.status, before.stderr).toBe(1);
    // Not even created yet: the init container waits on.
    expect(before.stderr).toContain('does not exist');
    const applied = run(migrate.command);
    expect(applied.status, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/applied \d+ migration\(s\)/);
    const after = run(ready);
    expect(after.status, after.stdout + after.stderr).toBe(0);
    expect(after.stdout).toContain('the database has every migration of this release');

    // A newer release migrated it, then was rolled back: this release's pods start on it all the same.
    const db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
    await db.query(
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
       VALUES (gen_random_uuid()::text, 'newer', '29991231000000_a_newer_release', now(), now(), 1)`,
    );
    await db.end();
    const rolledBack = run(ready);
    expect(rolledBack.status, rolledBack.stdout + rolledBack.stderr).toBe(0);
    expect(rolledBack.stdout).toContain('(and 1 newer)');

    // The first-model Job, as written: a starter model in production on a database no seed ran on, which
    // serving's readiness needs; run again (the next release's apply), it leaves it be.
    const [firstModel] = find(objects, 'Job', 'first-model').spec.template.spec.containers;
    const trained = run(firstModel.command);
    expect(trained.status, trained.stdout + trained.stderr).toBe(0);
    expect(trained.stdout).toMatch(/bootstrap corpus stored: \d+ examples/);
    expect(trained.stdout).toMatch(/intent-bootstrap-\S+ is in production: dev accuracy \d+\.\d %/);
    const db2 = new pg.Client({ connectionString: url.toString() });
    await db2.connect();
    const { rows } = await db2.query(
      `SELECT v.kind FROM "ModelAlias" a JOIN "ModelVersion" v ON v.id = a."modelVersionId" WHERE a.name = 'production'`,
    );
    await db2.end();
    expect(rows).toEqual([{ kind: 'student-int8' }]);
    const again = run(firstModel.command);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^production model: intent-bootstrap-/);
  } finally {
    const server = new URL(url);
    server.pathname = '/postgres';
    const admin = new pg.Client({ connectionString: server.toString() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${url.pathname.slice(1)}"`);
    await admin.end();
  }
}, 300_000);
