import path from 'node:path';
import { baseEnvShape, parseEnv, parseEnvOrExit, zPort } from '@acsa/core/env';
import { otelEnvShape } from '@acsa/core/tracing';
import {
  DEFAULT_LABEL_TRIGGER_COUNT,
  DEFAULT_QUEUE_PREFIX,
  DEFAULT_RUN_DIR_RETENTION_DAYS,
  DEFAULT_STALLED_CHECK,
  DEFAULT_STEP_BACKOFF_MS,
  SCHEDULES,
  type TStepTimeouts,
  ZPromotionMode,
  ZRetrainStep,
  ZTrainingPreset,
} from '@acsa/pipelines';
import { z } from 'zod';
import { DEFAULT_TRAINER_NICE } from './nice.ts';
import { DEFAULT_DRIFT_RETRAIN_COOLDOWN_MS } from './triggers/drift-trigger.ts';

const blank = (v: unknown) => (v === '' ? undefined : v);
const int = (fallback: number, min = 0) =>
  z.preprocess(blank, z.coerce.number().int().min(min).default(fallback));

/** `step=ms` pairs, comma-separated (e.g. `train=3600000,evaluate=600000`): time limits that differ from the policy. */
const zStepTimeouts = z.preprocess(
  blank,
  z
    .string()
    .default('')
    .transform((v, ctx) => {
      const limits: Partial<TStepTimeouts> = {};
      for (const pair of v.split(',').filter((p) => p.trim())) {
        const [name = '', ms = ''] = pair.split('=').map((x) => x.trim());
        const step = ZRetrainStep.safeParse(name);
        const limit = Number(ms);
        if (!step.success || !Number.isInteger(limit) || limit < 1) {
          ctx.addIssue({
            code: 'custom',
            message: `"${pair}" is not step=milliseconds with a step among ${ZRetrainStep.options.join(', ')}`,
          });
          return z.NEVER;
        }
        limits[step.data] = limit;
      }
      return limits;
    }),
);

export const ZTrainerEnv = z.object({
  ...baseEnvShape,
  /** Traces: off unless OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_TRACES_EXPORTER) is set; see @acsa/core/tracing. */
  ...otelEnvShape,
  /** Health endpoint only; the trainer takes its work from Redis queues. */
  TRAINER_PORT: zPort(8090),
  HOST: z.string().default('127.0.0.1'),
  /** BullMQ key prefix; the same for every process of one deployment. */
  QUEUE_PREFIX: z.preprocess(blank, z.string().min(1).default(DEFAULT_QUEUE_PREFIX)),
  /**
   * Where runs keep their data files and bundles between steps. Several trainer machines must share it
   * (a volume): a step may run on another machine than the one before it.
   */
  TRAINER_WORK_DIR: z.preprocess(blank, z.string().default(path.resolve('var', 'trainer'))),
  /**
   * The trainer's CPU priority (nice, 0–19; its training processes inherit it; set by main.ts before it loads
   * the app). Training takes every core it is given for minutes; where serving shares the machine
   * (`npm start`), serving's turns come first: serving's p99 at 500 turns/s beside a training run was 109 ms
   * at nice 0, 61 ms at nice 10 (bench/serving/results/2026-12-06-everything.md).
   */
  TRAINER_NICE: int(DEFAULT_TRAINER_NICE, 0).pipe(z.number().max(19)),
  /**
   * Days a run's directory under TRAINER_WORK_DIR is kept after the run ended (failed runs' are what a
   * dead-letter replay of their step resumes from); then the trainer removes it, and such a replay is refused.
   */
  RUN_DIR_RETENTION_DAYS: int(DEFAULT_RUN_DIR_RETENTION_DAYS, 1),
  /** Light steps (snapshot, gate, register, promote) at once; CPU steps always run one at a time. */
  TRAINER_CONCURRENCY: int(2, 1),
  STEP_BACKOFF_MS: int(DEFAULT_STEP_BACKOFF_MS, 0),
  /** A step's attempt still running past its limit fails as timed out (and is retried). */
  STEP_TIMEOUTS_MS: zStepTimeouts,
  /** BullMQ's stalled-job check: how soon a step whose trainer died is taken back and run again. */
  WORKER_LOCK_DURATION_MS: int(DEFAULT_STALLED_CHECK.lockDurationMs, 1000),
  WORKER_STALLED_INTERVAL_MS: int(DEFAULT_STALLED_CHECK.stalledIntervalMs, 500),
  WORKER_MAX_STALLED_COUNT: int(DEFAULT_STALLED_CHECK.maxStalledCount, 0),
  /** New labels since the last run that start one; 0 turns the label trigger off. */
  LABEL_TRIGGER_COUNT: int(DEFAULT_LABEL_TRIGGER_COUNT),
  LABEL_CHECK_EVERY_MS: int(SCHEDULES.labelCheck.everyMs, 1000),
  /** How often running experiments are checked and decided (rolled back, promoted, proposed); 0 turns it off. */
  EXPERIMENT_CHECK_EVERY_MS: int(SCHEDULES.experimentCheck.everyMs),
  /**
   * After a drift run started, drift alerts start no other for this long, and after it only once labels
   * were made since (see drift-trigger.ts); 0 leaves only the labels' rule.
   */
  DRIFT_RETRAIN_COOLDOWN_MS: int(DEFAULT_DRIFT_RETRAIN_COOLDOWN_MS),
  /** Cron pattern (UTC) for scheduled retrains; "off" turns them off. */
  RETRAIN_CRON: z.preprocess(blank, z.string().default(SCHEDULES.retrain.pattern)),
  /** What runs started by labels, drift or the schedule do with a candidate that passes the gate. */
  RETRAIN_AUTO_MODE: z.preprocess(blank, ZPromotionMode.default('direct')),
  RETRAIN_PRESET: z.preprocess(blank, ZTrainingPreset.default('full')),
});
export type TTrainerEnv = z.infer<typeof ZTrainerEnv>;

export const loadEnv = (source: Record<string, string | undefined> = process.env): TTrainerEnv =>
  parseEnv(ZTrainerEnv, source);

/** main.ts's: a bad environment prints its problems once and exits 1, not an uncaught EnvError's stack. */
export const loadEnvOrExit = (source: Record<string, string | undefined> = process.env): TTrainerEnv =>
  parseEnvOrExit(ZTrainerEnv, source, { exitCode: 1 });
