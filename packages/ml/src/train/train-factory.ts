import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { TManifest } from '../bundle/manifest.ts';
import { sha256 } from '../bundle/write-bundle.ts';
import { prepareSplits } from '../data/prepare-splits.ts';
import { readLabeledJsonl, type TLabeledRow } from '../data/read-jsonl.ts';
import { featurize } from '../featurize/featurize.ts';
import { featurizerConfig, type TFeaturizerConfig } from '../featurize/featurizer-config.ts';
import { parameterCount, type TBagMlp } from '../model/bag-mlp.ts';
import { type TTfjsScorer, tfjsScorer } from '../model/tfjs-forward.ts';
import { exportOnnx, type TPrecision } from '../onnx/export-onnx.ts';
import { selectBackend } from './backend.ts';
import { DEFAULT_DISTILL, DEFAULT_STUDENT, DEFAULT_TEACHER, type TModelSpec } from './factory-options.ts';
import { finalizeVariant } from './finalize-variant.ts';
import { vocabularyHashes } from './reference-stats.ts';
import { type TBag, type TDistill, type TExamples, trainBagMlp } from './train-bag-mlp.ts';

export type TFactoryProgress = { stage: string; done: number; total: number; detail?: string };

export type TFactoryOptions = {
  files: string[];
  out: string;
  seed?: number;
  teacher?: Partial<TModelSpec>;
  student?: Partial<TModelSpec>;
  distill?: { temperature: number; alpha: number };
  oosTargetRecall?: number;
  pipelineRunId?: string | null;
  onProgress?: (p: TFactoryProgress) => void;
  log?: (line: string) => void;
};

export type TVariant = 'teacher' | 'student' | 'student-int8';
export type TFactoryResult = {
  backend: string;
  trainRows: number;
  devRows: number;
  labels: number;
  seconds: { teacher: number; student: number; total: number };
  bundles: Array<{ variant: TVariant; dir: string; manifest: TManifest }>;
  /** The trained weights, for callers that compare runtimes or export more variants. */
  models: { teacher: TBagMlp[]; student: TBagMlp; teacherFeaturizer: TFeaturizerConfig };
};

/**
 * The whole factory run: read and split the data, train the teacher ensemble, distil the student from its
 * soft targets, then export teacher (fp32), student (fp32) and student (int8) as calibrated bundles.
 */
export async function trainFactory(opts: TFactoryOptions): Promise<TFactoryResult> {
  const t0 = performance.now();
  const seed = opts.seed ?? 1;
  const log = opts.log ?? (() => {});
  const rows = opts.files.flatMap((f) => readLabeledJsonl(f));
  const splits = prepareSplits(rows, { seed });
  const { labels } = splits;
  log(
    `data: ${splits.train.length} train, ${splits.dev.length} dev (${splits.devSource}), ${labels.length} intents`,
  );
  const backend = await selectBackend(log);
  const teacherSpec = { ...DEFAULT_TEACHER, ...opts.teacher };
  const studentSpec = { ...DEFAULT_STUDENT, ...opts.student };
  const lineageBase = {
    datasets: opts.files.map((f) => ({
      file: path.resolve(f),
      sha256: sha256(readFileSync(f)),
      rows: rows.filter((r) => r.file === f).length,
    })),
    pipelineRunId: opts.pipelineRunId ?? null,
    backend,
    seed,
    trainRows: splits.train.length,
    devRows: splits.dev.length,
    devSource: splits.devSource,
  };
  const vocabulary = vocabularyHashes(splits.train.map((r) => r.text));

  const teacherCfg = featurizerConfig({ buckets: teacherSpec.buckets });
  const teacherData = examples(splits, teacherCfg);
  const teacher: TBagMlp[] = [];
  for (let m = 0; m < teacherSpec.members; m++) {
    teacher.push(
      await trainOne(
        `teacher ${m + 1}/${teacherSpec.members}`,
        teacherSpec,
        teacherData,
        labels,
        seed + m,
        opts,
      ),
    );
  }
  const tTeacher = performance.now();
  log(`teacher trained in ${((tTeacher - t0) / 1000).toFixed(1)} s`);

  const studentCfg = featurizerConfig({ buckets: studentSpec.buckets });
  const sameFeatures = studentSpec.buckets === teacherSpec.buckets;
  const studentData = sameFeatures ? teacherData : examples(splits, studentCfg);
  // With the same features the teacher scores exactly the bag the student sees (dropout included);
  // otherwise it scores each clean example once, up front.
  const scorer = tfjsScorer(teacher);
  const fixed = sameFeatures ? new Float32Array(0) : scoreInChunks(scorer, teacherData.train.bags);
  const c = labels.length;
  const distill: TDistill = {
    teacher: sameFeatures
      ? (_, bags) => scorer.logits(bags)
      : (idx) => {
          const out = new Float32Array(idx.length * c);
          idx.forEach((i, r) => {
            out.set(fixed.subarray(i * c, (i + 1) * c), r * c);
          });
          return out;
        },
    ...(opts.distill ?? DEFAULT_DISTILL),
  };
  const student = await trainOne('student', studentSpec, studentData, labels, seed + 100, opts, distill);
  scorer.dispose();
  const tStudent = performance.now();

  const bundles: TFactoryResult['bundles'] = [];
  const variants: Array<[TVariant, TBagMlp[], TPrecision, TFeaturizerConfig, TModelSpec]> = [
    ['teacher', teacher, 'fp32', teacherCfg, teacherSpec],
    ['student', [student], 'fp32', studentCfg, studentSpec],
    ['student-int8', [student], 'int8', studentCfg, studentSpec],
  ];
  let teacherSha: string | null = null;
  for (const [variant, members, precision, cfg, spec] of variants) {
    opts.onProgress?.({ stage: `export ${variant}`, done: 0, total: 1 });
    const dir = path.join(opts.out, variant);
    const manifest = await finalizeVariant({
      dir,
      onnx: exportOnnx(members, precision, { name: variant }),
      dev: splits.dev,
      labels,
      oosTargetRecall: opts.oosTargetRecall ?? 0.75,
      vocabulary,
      draft: {
        name: path.basename(path.resolve(opts.out)),
        variant,
        createdAt: new Date().toISOString(),
        model: {
          precision,
          architecture: {
            members: members.map(() => ({ buckets: spec.buckets, embDim: spec.embDim, hidden: spec.hidden })),
            parameters: members.reduce((s, m) => s + parameterCount(m), 0),
          },
        },
        labels,
        featurizer: cfg,
        lineage: {
          ...lineageBase,
          teacherSha256: teacherSha,
          trainSeconds: (variant === 'teacher' ? tTeacher - t0 : tStudent - tTeacher) / 1000,
        },
      },
    });
    if (variant === 'teacher') teacherSha = manifest.model.sha256;
    opts.onProgress?.({ stage: `export ${variant}`, done: 1, total: 1 });
    log(
      `${variant}: dev accuracy ${(manifest.metrics.dev.accuracy * 100).toFixed(2)} %, ${manifest.model.sizeBytes} bytes`,
    );
    bundles.push({ variant, dir, manifest });
  }
  const total = (performance.now() - t0) / 1000;
  return {
    backend,
    trainRows: splits.train.length,
    devRows: splits.dev.length,
    labels: labels.length,
    seconds: { teacher: (tTeacher - t0) / 1000, student: (tStudent - tTeacher) / 1000, total },
    bundles,
    models: { teacher, student, teacherFeaturizer: teacherCfg },
  };
}

function examples(
  splits: { train: TLabeledRow[]; dev: TLabeledRow[]; labels: string[] },
  cfg: TFeaturizerConfig,
): { train: TExamples; dev: TExamples } {
  const index = new Map(splits.labels.map((l, i) => [l, i]));
  const mk = (rs: TLabeledRow[]): TExamples => ({
    bags: rs.map((r) => featurize(r.text, cfg)),
    labels: Int32Array.from(rs.map((r) => index.get(r.intent)!)),
  });
  return { train: mk(splits.train), dev: mk(splits.dev) };
}

async function trainOne(
  stage: string,
  spec: TModelSpec,
  data: { train: TExamples; dev: TExamples },
  labels: string[],
  seed: number,
  opts: TFactoryOptions,
  distill?: TDistill,
): Promise<TBagMlp> {
  const res = await trainBagMlp(data.train, data.dev, {
    shape: { buckets: spec.buckets, embDim: spec.embDim, hidden: spec.hidden, classes: labels.length },
    ...spec,
    seed,
    ...(distill ? { distill } : {}),
    onProgress: (p) =>
      opts.onProgress?.({
        stage,
        done: (p.epoch - 1) * p.steps + p.step,
        total: p.epochs * p.steps,
        ...(p.devAccuracy === undefined
          ? {}
          : { detail: `epoch ${p.epoch} dev ${(p.devAccuracy * 100).toFixed(2)} %` }),
      }),
    log: (line) => opts.log?.(`${stage}: ${line}`),
  });
  return res.model;
}

/** Logits of every bag, row-major, scored a chunk at a time (one batched dense pass per chunk). */
function scoreInChunks(scorer: TTfjsScorer, bags: readonly TBag[]): Float32Array {
  const parts: Float32Array[] = [];
  for (let s = 0; s < bags.length; s += 512) parts.push(scorer.logits(bags.slice(s, s + 512)));
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
