import type { TRunState } from '@acsa/pipelines/runs';

/**
 * What the run page says about a run, derived from the same run and step rows its steps table shows, so
 * the summary above the table never contradicts it.
 */
type TRun = TRunState['run'];
type TStep = TRunState['steps'][number];

/**
 * A step's status in words. SKIPPED covers two things a reader must tell apart: a step that never began
 * (no attempt: skipped) and one that had begun when the run was cancelled (stopped). Register and promote
 * after a refused gate also end SKIPPED with an attempt, and are "skipped (gate refused)".
 */
export function stepLabel(step: Pick<TStep, 'status' | 'attempts'>, runStatus: TRun['status']): string {
  if (step.status !== 'SKIPPED') return step.status.toLowerCase();
  if (step.attempts === 0) return 'skipped';
  return runStatus === 'CANCELLED' ? 'stopped (run cancelled)' : 'skipped (gate refused)';
}

/** What the trainer notes on a step a cancel stopped (step-tracker: `stopped: ${StepCancelledError}`). */
const STOPPED_BY_CANCEL = 'stopped: the run was cancelled';

/**
 * The note under a step's status: its error, unless it only repeats the status ("stopped (run cancelled)"
 * over "stopped: the run was cancelled"). A note that says more, such as what the step hit before, stays.
 */
export function stepNote(
  step: Pick<TStep, 'status' | 'attempts' | 'error'>,
  runStatus: TRun['status'],
): string | null {
  if (!step.error) return null;
  const stoppedByCancel = step.status === 'SKIPPED' && step.attempts > 0 && runStatus === 'CANCELLED';
  return stoppedByCancel && step.error.trim() === STOPPED_BY_CANCEL ? null : step.error;
}

/** The snapshot line: the dataset version once the step has made it, else how far the step is. */
export function snapshotSummary(
  run: Pick<TRun, 'dataset'>,
  steps: Pick<TStep, 'name' | 'status' | 'progress'>[],
) {
  if (run.dataset) return run.dataset;
  const step = steps.find((s) => s.name === 'snapshot');
  const at = `${Math.round(step?.progress ?? 0)} %`;
  switch (step?.status) {
    case 'RUNNING':
      return `being taken (${at})`;
    case 'FAILED':
      return `failed at ${at}`;
    case 'SKIPPED':
      return step.progress > 0 ? `stopped at ${at}, none kept` : 'not taken';
    case 'SUCCEEDED':
      return 'taken';
    default:
      return 'not taken yet';
  }
}

/**
 * Where the run is, beside its overall %: the step it is in and that step's own %. The overall figure is
 * weighted by how long each step usually takes (training is 70 % of it), which is why 60 % of the snapshot
 * is 3 % of the run; saying the step next to it keeps the two figures from reading as a contradiction.
 */
export function progressNote(steps: Pick<TStep, 'name' | 'status' | 'progress'>[]): string | null {
  const at = steps.findIndex((s) => s.status === 'RUNNING');
  const step = steps[at];
  if (!step) return null;
  return `step ${at + 1} of ${steps.length}, ${step.name} at ${Math.round(step.progress)} %`;
}

/**
 * A cancelled run's note, stored as `cancelled by <email>: <reason>` (pipelines' cancelRun): it is what
 * someone chose, not a failure, so it reads as a sentence and is not shown as an error.
 */
export function cancelNote(run: Pick<TRun, 'status' | 'error'>): string | null {
  if (run.status !== 'CANCELLED') return null;
  const note = run.error?.trim() || 'cancelled';
  return note.charAt(0).toUpperCase() + note.slice(1);
}
