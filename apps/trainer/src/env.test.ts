import { describe, expect, it } from 'vitest';
import { loadEnv } from './env.ts';

describe('trainer env', () => {
  it('defaults every setting, reading blanks as unset', () => {
    const env = loadEnv({ LABEL_TRIGGER_COUNT: '', RETRAIN_CRON: '' });
    expect(env).toMatchObject({
      QUEUE_PREFIX: 'acsa:bull',
      TRAINER_CONCURRENCY: 2,
      LABEL_TRIGGER_COUNT: 200,
      DRIFT_RETRAIN_COOLDOWN_MS: 86_400_000,
      RETRAIN_CRON: '0 3 * * 0',
      RETRAIN_AUTO_MODE: 'direct',
      RETRAIN_PRESET: 'full',
      STEP_TIMEOUTS_MS: {},
      WORKER_LOCK_DURATION_MS: 30_000,
      WORKER_MAX_STALLED_COUNT: 2,
      RUN_DIR_RETENTION_DAYS: 14,
    });
    expect(env.TRAINER_WORK_DIR).toMatch(/var\/trainer$/);
  });

  it('reads step time limits as step=milliseconds pairs, and names a bad pair', () => {
    expect(loadEnv({ STEP_TIMEOUTS_MS: 'train=3600000, evaluate=600000' }).STEP_TIMEOUTS_MS).toEqual({
      train: 3_600_000,
      evaluate: 600_000,
    });
    expect(() => loadEnv({ STEP_TIMEOUTS_MS: 'train=1h' })).toThrow(
      /STEP_TIMEOUTS_MS: "train=1h" is not step=milliseconds with a step among snapshot, train/,
    );
    expect(() => loadEnv({ STEP_TIMEOUTS_MS: 'trian=1000' })).toThrow(/STEP_TIMEOUTS_MS: "trian=1000"/);
  });

  it('keeps ended runs’ directories a whole number of days, one at least', () => {
    expect(loadEnv({ RUN_DIR_RETENTION_DAYS: '30' }).RUN_DIR_RETENTION_DAYS).toBe(30);
    expect(() => loadEnv({ RUN_DIR_RETENTION_DAYS: '0' })).toThrow(/RUN_DIR_RETENTION_DAYS/);
    expect(() => loadEnv({ RUN_DIR_RETENTION_DAYS: '2 weeks' })).toThrow(/RUN_DIR_RETENTION_DAYS/);
  });

  it('names every bad variable', () => {
    expect(() => loadEnv({ RETRAIN_AUTO_MODE: 'yolo', TRAINER_CONCURRENCY: '0' })).toThrow(
      /RETRAIN_AUTO_MODE[\s\S]*TRAINER_CONCURRENCY|TRAINER_CONCURRENCY[\s\S]*RETRAIN_AUTO_MODE/,
    );
  });
});

it('lowers its CPU priority to nice 10 unless told, within 0-19', () => {
  expect(loadEnv({ DATABASE_URL: 'postgresql://x@h/db' }).TRAINER_NICE).toBe(10);
  expect(loadEnv({ DATABASE_URL: 'postgresql://x@h/db', TRAINER_NICE: '0' }).TRAINER_NICE).toBe(0);
  expect(() => loadEnv({ DATABASE_URL: 'postgresql://x@h/db', TRAINER_NICE: '25' })).toThrow(/TRAINER_NICE/);
});
