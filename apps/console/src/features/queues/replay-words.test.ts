import { describe, expect, it } from 'vitest';
import { jobLabel, whyNotReplayed } from './replay-words';

describe('replay messages', () => {
  it('name the job by its name and queue', () => {
    expect(jobLabel({ name: 'sync-order', queue: 'acsa.jobs.v1', jobId: '17' })).toBe(
      '“sync-order” on acsa.jobs.v1',
    );
    expect(jobLabel({ name: 'step', queue: 'acsa.retrain.v1', jobId: 'r1:train' })).toBe(
      '“step” (r1:train) on acsa.retrain.v1',
    );
  });
  it('say why a letter that went meanwhile was not replayed, without its internal id', () => {
    expect(whyNotReplayed('no dead letter "3"')).toBe(
      'it is no longer a dead letter (replayed or removed meanwhile)',
    );
    expect(whyNotReplayed('job 7 on q is active, not failed; nothing to replay')).toBe(
      'job 7 on q is active, not failed; nothing to replay',
    );
  });
});
