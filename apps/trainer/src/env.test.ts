import { describe, expect, it } from 'vitest';
import { loadEnv } from './env.ts';

describe('trainer env', () => {
  it('defaults every setting, reading blanks as unset', () => {
    const env = loadEnv({ LABEL_TRIGGER_COUNT: '', RETRAIN_CRON: '' });
    expect(env).toMatchObject({
      QUEUE_PREFIX: 'acsa:bull',
      TRAINER_CONCURRENCY: 2,
      LABEL_TRIGGER_COUNT: 200,
      RETRAIN_CRON: '0 3 * * 0',
      RETRAIN_AUTO_MODE: 'direct',
      RETRAIN_PRESET: 'full',
    });
    expect(env.TRAINER_WORK_DIR).toMatch(/var\/trainer$/);
  });

  it('names every bad variable', () => {
    expect(() => loadEnv({ RETRAIN_AUTO_MODE: 'yolo', TRAINER_CONCURRENCY: '0' })).toThrow(
      /RETRAIN_AUTO_MODE[\s\S]*TRAINER_CONCURRENCY|TRAINER_CONCURRENCY[\s\S]*RETRAIN_AUTO_MODE/,
    );
  });
});
