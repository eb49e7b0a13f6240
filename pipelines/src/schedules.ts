/**
 * Job schedulers the trainer upserts at start (BullMQ `upsertJobScheduler`, so restarting the trainer, or
 * running several, never duplicates a schedule). Intervals and the cron pattern are trainer settings.
 */
export const SCHEDULES = {
  /** Counts labels made since the last run; starts a run past the threshold. */
  labelCheck: { id: 'retrain-label-check', everyMs: 5 * 60_000 },
  /** Running experiments' sequential check: rolls back, promotes or proposes (decideExperiments). */
  experimentCheck: { id: 'experiment-check', everyMs: 60_000 },
  /**
   * The active run's check: failed when it can never end by itself (RetrainClient.failStuck), so a run whose
   * end went unrecorded does not block retraining until the next trigger notices.
   */
  runCheck: { id: 'retrain-run-check', everyMs: 60_000 },
  /**
   * Removes the working directories of runs that ended more than RUN_DIR_RETENTION_DAYS ago (they are kept
   * that long so a failed step can be replayed from the dead-letter queue). Hourly: a directory outlives its
   * retention by an hour at most.
   */
  runDirSweep: { id: 'retrain-run-dir-sweep', everyMs: 60 * 60_000 },
  /**
   * Recounts ended experiments' stored results once they are a day old, for 30 days after the stop
   * (refreshExperimentResults), so late ratings and labels show. Hourly: a count is a day and an hour old
   * at most, and an experiment that just ended is stored within the hour even if nobody opens the page.
   */
  experimentResults: { id: 'experiment-results', everyMs: 60 * 60_000 },
  /** A retrain on a calendar, whatever the labels and drift say: Sundays 03:00 UTC. */
  retrain: { id: 'retrain-schedule', pattern: '0 3 * * 0' },
} as const;

/** New labels since the last run that start a retrain on their own. */
export const DEFAULT_LABEL_TRIGGER_COUNT = 200;

/** Days a finished run's working directory is kept (for dead-letter replays) before the trainer removes it. */
export const DEFAULT_RUN_DIR_RETENTION_DAYS = 14;
