import { describe, expect, it } from 'vitest';
import { cancelNote, progressNote, snapshotSummary, stepLabel, stepNote } from './run-summary';

const steps = (snapshot: { status: 'PENDING' | 'RUNNING' | 'SKIPPED' | 'SUCCEEDED'; progress: number }) => [
  { name: 'snapshot', ...snapshot },
  { name: 'train', status: 'PENDING' as const, progress: 0 },
];

describe('run summary', () => {
  it('says the snapshot is being taken while its step runs, as the steps table does', () => {
    expect(snapshotSummary({ dataset: null }, steps({ status: 'RUNNING', progress: 60 }))).toBe(
      'being taken (60 %)',
    );
    expect(snapshotSummary({ dataset: null }, steps({ status: 'PENDING', progress: 0 }))).toBe(
      'not taken yet',
    );
    expect(snapshotSummary({ dataset: 'intents v3 (1240 examples)' }, [])).toBe('intents v3 (1240 examples)');
  });

  it('names the step and its own % beside the weighted overall figure', () => {
    expect(progressNote(steps({ status: 'RUNNING', progress: 60 }))).toBe('step 1 of 2, snapshot at 60 %');
    expect(progressNote(steps({ status: 'SUCCEEDED', progress: 100 }))).toBeNull();
  });

  it('calls a step stopped by a cancel "stopped", and one never begun "skipped"', () => {
    expect(stepLabel({ status: 'SKIPPED', attempts: 1 }, 'CANCELLED')).toBe('stopped (run cancelled)');
    expect(stepLabel({ status: 'SKIPPED', attempts: 0 }, 'CANCELLED')).toBe('skipped');
    expect(stepLabel({ status: 'SKIPPED', attempts: 1 }, 'REJECTED')).toBe('skipped (gate refused)');
    expect(stepLabel({ status: 'RUNNING', attempts: 1 }, 'RUNNING')).toBe('running');
  });

  it('says a step was stopped by the cancel once: no note repeating "stopped (run cancelled)"', () => {
    const stopped = { status: 'SKIPPED' as const, attempts: 1, error: 'stopped: the run was cancelled' };
    expect(stepNote(stopped, 'CANCELLED')).toBeNull();
    expect(stepNote({ ...stopped, error: 'CRM refused: 503' }, 'CANCELLED')).toBe('CRM refused: 503');
    expect(stepNote({ status: 'FAILED', attempts: 3, error: 'out of memory' }, 'FAILED')).toBe(
      'out of memory',
    );
    expect(stepNote({ status: 'SUCCEEDED', attempts: 1, error: null }, 'SUCCEEDED')).toBeNull();
  });

  it('reads a cancel as who and why, and only for a cancelled run', () => {
    expect(cancelNote({ status: 'CANCELLED', error: 'cancelled by eli@example.com: wrong size' })).toBe(
      'Cancelled by eli@example.com: wrong size',
    );
    expect(cancelNote({ status: 'FAILED', error: 'train: out of memory' })).toBeNull();
  });
});
