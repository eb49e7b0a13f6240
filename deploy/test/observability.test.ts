import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createMetrics } from '../../apps/serving/src/http/metrics.ts';
import { trainerMetricsRegistry } from '../../apps/trainer/src/metrics.ts';
import { readYaml } from './kustomize-build.ts';
import { needsTool } from './needs-tool.ts';
import { durationSeconds, rangeWindows } from './promql-ranges.ts';

const DIR = fileURLToPath(new URL('../observability/', import.meta.url));
type TRule = {
  alert: string;
  expr: string;
  for?: string;
  labels?: { severity?: string };
  annotations?: { summary?: string };
};
const rules = parse(readFileSync(`${DIR}prometheus-rules.yaml`, 'utf8')) as {
  groups: { name: string; rules: TRule[] }[];
};
const dashboard = JSON.parse(readFileSync(`${DIR}grafana-dashboard.json`, 'utf8'));

type TSeries = Map<string, Set<string>>;

/**
 * Every series name an app's registry exports (a histogram as its _bucket, _sum and _count) with the label
 * names each carries: taken from the apps' own metric definitions, so a renamed metric or label fails here.
 */
function seriesOf(registry: Registry): TSeries {
  const out: TSeries = new Map();
  for (const m of registry.getMetricsAsArray() as unknown as {
    name: string;
    labelNames?: string[];
    constructor: { name: string };
  }[]) {
    const labels = new Set(m.labelNames ?? []);
    if (m.constructor.name === 'Histogram') {
      out.set(`${m.name}_bucket`, new Set([...labels, 'le']));
      out.set(`${m.name}_sum`, labels);
      out.set(`${m.name}_count`, labels);
    } else out.set(m.name, labels);
  }
  return out;
}

const APPS: Record<'serving' | 'trainer', { job: string; series: TSeries }> = {
  serving: { job: 'acsa-serving', series: seriesOf(createMetrics().registry) },
  trainer: {
    job: 'acsa-trainer',
    series: seriesOf(trainerMetricsRegistry({ queueCounts: async () => [], latestDrift: async () => null })),
  },
};
const TARGET_LABELS = ['job', 'instance'];
const FUNCTIONS_AND_KEYWORDS = new Set(
  'sum max min avg count rate increase delta irate histogram_quantile clamp_min absent by without offset on ignoring and or unless bool'.split(
    ' ',
  ),
);

/** Checks one PromQL expression against one app's series; returns what is wrong (empty when nothing). */
function problems(expr: string, app: keyof typeof APPS, legend = ''): string[] {
  const { series, job } = APPS[app];
  const found: string[] = [];
  const labelsInExpr = new Set(TARGET_LABELS);
  if ((expr.match(/\(/g) ?? []).length !== (expr.match(/\)/g) ?? []).length)
    found.push('unbalanced parentheses');
  const selectors = [...expr.matchAll(/\b([a-zA-Z_:][\w:]*)\s*(\{[^}]*\})?/g)];
  let metrics = 0;
  for (const [, name = '', matcher] of selectors) {
    if (FUNCTIONS_AND_KEYWORDS.has(name)) continue;
    const keys = [...(matcher ?? '').matchAll(/(\w+)\s*(?:=~|!~|!=|=)/g)].map((m) => m[1] ?? '');
    if (name === 'up') {
      metrics++;
      if (!matcher?.includes(`job="${job}"`)) found.push(`up must name job="${job}"`);
      continue;
    }
    const labels = series.get(name);
    if (!labels) {
      // Label names inside by(...) and the like are not selectors.
      if (/^(acsa|process|nodejs)_/.test(name)) found.push(`${name} is not exported by ${app}`);
      continue;
    }
    metrics++;
    for (const l of labels) labelsInExpr.add(l);
    for (const k of keys)
      if (!labels.has(k) && !TARGET_LABELS.includes(k)) found.push(`${name} has no label ${k}`);
  }
  if (metrics === 0) found.push('names no metric');
  for (const [, group = ''] of expr.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g))
    for (const l of group
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean))
      if (!labelsInExpr.has(l)) found.push(`groups by ${l}, which no metric of it carries`);
  for (const [, l = ''] of legend.matchAll(/\{\{\s*(?:\$labels\.)?(\w+)\s*\}\}/g))
    if (!labelsInExpr.has(l)) found.push(`legend names ${l}, which no metric of it carries`);
  return found.map((p) => `${expr.replace(/\s+/g, ' ').trim()}: ${p}`);
}

describe('Prometheus alert rules', () => {
  const all = rules.groups.flatMap((g) => g.rules.map((r) => ({ group: g.name, ...r })));

  it('cover error rate, p99, drift, dead-letter growth and no model loaded, each well formed', () => {
    expect(rules.groups.map((g) => g.name).sort()).toEqual(['acsa-serving', 'acsa-trainer']);
    const names = all.map((r) => r.alert);
    expect(new Set(names).size).toBe(names.length);
    for (const wanted of [
      'AcsaChatErrorRate',
      'AcsaChatLatencyP99',
      'AcsaDriftAlert',
      'AcsaDeadLettersGrowing',
      'AcsaNoModelLoaded',
    ])
      expect(names).toContain(wanted);
    for (const r of all) {
      expect(r.alert, JSON.stringify(r)).toMatch(/^Acsa[A-Z]\w+$/);
      expect(typeof r.expr).toBe('string');
      if (r.for !== undefined) expect(r.for).toMatch(/^\d+[smh]$/);
      expect(['page', 'ticket']).toContain(r.labels?.severity);
      expect(r.annotations?.summary).toBeTruthy();
    }
  });

  it('name only metrics and labels that the apps export', () => {
    const found = all.flatMap((r) =>
      problems(r.expr, r.group === 'acsa-serving' ? 'serving' : 'trainer', JSON.stringify(r.annotations)),
    );
    expect(found).toEqual([]);
  });

  const promtool =
    process.env.PROMTOOL ?? (spawnSync('which', ['promtool']).stdout?.toString().trim() || null);
  it(
    'pass promtool check rules',
    needsTool(promtool, 'promtool is not installed (set PROMTOOL; the rules are checked by the tests above)'),
    () => {
      const out = execFileSync(promtool as string, [
        'check',
        'rules',
        `${DIR}prometheus-rules.yaml`,
      ]).toString();
      expect(out).toMatch(/SUCCESS: \d+ rules found/);
    },
  );
});

describe('Grafana dashboard', () => {
  type TPanel = {
    id: number;
    type: string;
    title: string;
    gridPos: { x: number; y: number; w: number; h: number };
    datasource?: { type: string; uid: string };
    targets?: { refId: string; expr: string; legendFormat?: string }[];
  };
  const panels = dashboard.panels as TPanel[];

  it('is a dashboard Grafana imports: uid, schema version, a Prometheus datasource variable, panels on the grid', () => {
    expect(dashboard).toMatchObject({ uid: 'acsa-overview', schemaVersion: expect.any(Number) });
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }),
    );
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    for (const p of panels) {
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      if (p.type === 'row') continue;
      expect(['timeseries', 'stat', 'bargauge', 'table', 'gauge']).toContain(p.type);
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JS template
      expect(p.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      expect(new Set(p.targets?.map((t) => t.refId)).size).toBe(p.targets?.length);
    }
  });

  it('has a Serving and a Trainer row whose panels chart only metrics that app exports', () => {
    let app: keyof typeof APPS | null = null;
    const found: string[] = [];
    for (const p of panels) {
      if (p.type === 'row') {
        app = p.title === 'Serving' ? 'serving' : p.title === 'Trainer' ? 'trainer' : null;
        expect(app, `row ${p.title}`).not.toBeNull();
        continue;
      }
      for (const t of p.targets ?? [])
        found.push(...problems(t.expr, app as keyof typeof APPS, t.legendFormat));
    }
    expect(found).toEqual([]);
  });
});

describe('Prometheus scrape jobs for Kubernetes', () => {
  type TRelabel = { source_labels?: string[]; regex?: string; action?: string; target_label?: string };
  type TJob = { job_name: string; metrics_path: string; relabel_configs: TRelabel[] };
  const scrape = parse(readFileSync(`${DIR}prometheus-scrape.yaml`, 'utf8')) as { scrape_configs: TJob[] };
  const K8S = fileURLToPath(new URL('../k8s/base/', import.meta.url));
  const pod = (app: string) => {
    const d = readYaml(`${K8S}${app}.yaml`).find((o) => o.kind === 'Deployment');
    return d?.spec.template as {
      metadata: { labels: Record<string, string> };
      spec: { containers: TContainer[] };
    };
  };
  type TContainer = {
    ports: { name: string; containerPort: number }[];
    env: { name: string; value?: string }[];
  };

  it('are the jobs the rules and the dashboard name, each keeping its app’s pods on the port with /metrics', () => {
    expect(scrape.scrape_configs.map((j) => j.job_name).sort()).toEqual(
      Object.values(APPS)
        .map((a) => a.job)
        .sort(),
    );
    // The port each app serves /metrics on, from its manifest (serving: METRICS_PORT; trainer: its health port).
    const metricsPort = { serving: 'metrics', trainer: 'http' } as const;
    for (const [app, { job }] of Object.entries(APPS) as [keyof typeof APPS, { job: string }][]) {
      const j = scrape.scrape_configs.find((x) => x.job_name === job) as TJob;
      const keep = j.relabel_configs.find((r) => r.action === 'keep') as TRelabel;
      const template = pod(app);
      const port = template.spec.containers[0]?.ports.find((p) => p.name === metricsPort[app]);
      expect(port, `${app} names port ${metricsPort[app]}`).toBeTruthy();
      expect(keep.source_labels).toEqual([
        '__meta_kubernetes_pod_label_app_kubernetes_io_name',
        '__meta_kubernetes_pod_container_port_name',
      ]);
      expect(`${template.metadata.labels['app.kubernetes.io/name']};${port?.name}`).toMatch(
        new RegExp(`^(?:${keep.regex})$`),
      );
      expect(j.metrics_path).toBe('/metrics');
    }
    expect(String(pod('serving').spec.containers[0]?.env.find((e) => e.name === 'METRICS_PORT')?.value)).toBe(
      String(pod('serving').spec.containers[0]?.ports.find((p) => p.name === 'metrics')?.containerPort),
    );
  });

  it('give serving’s series the namespace and pod labels the HPA’s adapter rule reads', () => {
    const [adapter] = readYaml(
      fileURLToPath(new URL('../k8s/prometheus-adapter/rules.yaml', import.meta.url)),
    );
    const config = parse(String(adapter?.data['config.yaml'])) as {
      rules: { seriesQuery: string; metricsQuery: string }[];
    };
    for (const rule of config.rules) {
      const [, metric = '', matcher = ''] = /^(\w+)\{([^}]*)\}/.exec(rule.seriesQuery) ?? [];
      expect(APPS.serving.series.has(metric), `${metric} is exported by serving`).toBe(true);
      expect(rule.metricsQuery).toContain(metric);
      const needed = [...matcher.matchAll(/(\w+)\s*!?=/g)].map((m) => m[1]);
      const serving = scrape.scrape_configs.find((j) => j.job_name === APPS.serving.job) as TJob;
      const added = serving.relabel_configs.map((r) => r.target_label).filter(Boolean);
      for (const label of needed) expect(added, `the acsa-serving job adds ${label}`).toContain(label);
    }
  });

  const promtool =
    process.env.PROMTOOL ?? (spawnSync('which', ['promtool']).stdout?.toString().trim() || null);
  it(
    'pass promtool check config (with the pod discovery swapped for a static target)',
    needsTool(promtool, 'promtool is not installed (set PROMTOOL; the jobs are checked by the tests above)'),
    () => {
      // Debian's Prometheus is built without Kubernetes discovery, so promtool here refuses
      // kubernetes_sd_configs; the rest (relabelling, regexes, paths) is checked as written.
      const dir = mkdtempSync(path.join(tmpdir(), 'acsa-scrape-'));
      const file = path.join(dir, 'prometheus.yml');
      writeFileSync(
        file,
        readFileSync(`${DIR}prometheus-scrape.yaml`, 'utf8').replace(
          /kubernetes_sd_configs:\n(\s+)- role: pod/g,
          "static_configs:\n$1- targets: ['127.0.0.1:9464']",
        ),
      );
      try {
        const out = execFileSync(promtool as string, ['check', 'config', file]).toString();
        expect(out).toMatch(/SUCCESS/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe('rate windows against scrape intervals', () => {
  // rate(), irate() and increase() need two samples in their window, or the series is absent: the HPA's
  // custom metric goes empty and alerts cannot fire. Two samples need a window of 2x the interval only
  // when no scrape is ever late or missed; 4x (Prometheus's and Grafana's advice) survives one missed
  // scrape and the window's misalignment with the scrapes.
  const MIN_SAMPLES_PER_WINDOW = 4;
  /** prometheus.yml's global default where neither the job nor a global block sets one. */
  const PROMETHEUS_DEFAULT_INTERVAL = '1m';
  const scrape = parse(readFileSync(`${DIR}prometheus-scrape.yaml`, 'utf8')) as {
    global?: { scrape_interval?: string };
    scrape_configs: { job_name: string; scrape_interval?: string }[];
  };
  const intervalOf = (app: keyof typeof APPS) =>
    durationSeconds(
      scrape.scrape_configs.find((j) => j.job_name === APPS[app].job)?.scrape_interval ??
        scrape.global?.scrape_interval ??
        PROMETHEUS_DEFAULT_INTERVAL,
    );

  /** Every expression that takes a window, with the app whose job scrapes its metric. */
  function expressions(): { where: string; app: keyof typeof APPS; expr: string }[] {
    const out: { where: string; app: keyof typeof APPS; expr: string }[] = [];
    for (const g of rules.groups)
      for (const r of g.rules)
        out.push({
          where: `alert ${r.alert}`,
          app: g.name === 'acsa-serving' ? 'serving' : 'trainer',
          expr: r.expr,
        });
    let app: keyof typeof APPS = 'serving';
    for (const p of dashboard.panels as { type: string; title: string; targets?: { expr: string }[] }[]) {
      if (p.type === 'row') app = p.title === 'Serving' ? 'serving' : 'trainer';
      for (const t of p.targets ?? []) out.push({ where: `panel ${p.title}`, app, expr: t.expr });
    }
    const [adapter] = readYaml(
      fileURLToPath(new URL('../k8s/prometheus-adapter/rules.yaml', import.meta.url)),
    );
    const config = parse(String(adapter?.data['config.yaml'])) as { rules: { metricsQuery: string }[] };
    for (const r of config.rules)
      out.push({ where: 'prometheus-adapter rule', app: 'serving', expr: r.metricsQuery });
    return out;
  }

  it(`are each at least ${MIN_SAMPLES_PER_WINDOW}x the scrape interval of the job the metric comes from`, () => {
    const all = expressions();
    expect(all.some((e) => e.where === 'prometheus-adapter rule')).toBe(true);
    const found: string[] = [];
    for (const { where, app, expr } of all) {
      const windows = rangeWindows(expr);
      // A range selector the parser did not see would go unchecked.
      expect(windows.length, `${where}: ${expr}`).toBe((expr.match(/\[/g) ?? []).length);
      for (const { fn, window } of windows)
        if (durationSeconds(window) < MIN_SAMPLES_PER_WINDOW * intervalOf(app))
          found.push(
            `${where}: ${fn}(...[${window}]) under ${MIN_SAMPLES_PER_WINDOW}x ${APPS[app].job}'s ${intervalOf(app)} s`,
          );
    }
    expect(found).toEqual([]);
  });
});
