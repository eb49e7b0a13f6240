import { describe, expect, it } from 'vitest';
import { parseStepJobId, STEP_POLICY, stepJobId, stepTimeouts } from './steps.ts';

describe('retraining steps', () => {
  it('reads the run and step back from a step job id, and nothing from another id', () => {
    const runId = '0195f3a2-7c1e-7b3a-9d2e-5f4a3b2c1d0e';
    expect(parseStepJobId(stepJobId(runId, 'evaluate'))).toEqual({ runId, step: 'evaluate' });
    expect(parseStepJobId(`${runId}-deploy`)).toBeNull();
    expect(parseStepJobId('train')).toBeNull();
  });

  it("gives each step the policy's time limit unless overridden", () => {
    const limits = stepTimeouts({ train: 1000 });
    expect(limits.train).toBe(1000);
    expect(limits.evaluate).toBe(STEP_POLICY.evaluate.timeoutMs);
    expect(Object.keys(limits)).toEqual(['snapshot', 'train', 'evaluate', 'gate', 'register', 'promote']);
  });
});
