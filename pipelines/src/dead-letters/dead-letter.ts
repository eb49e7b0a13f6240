import { z } from 'zod';

/** A job that exhausted its retries: enough to understand the failure and to run the job again. */
export const ZDeadLetter = z.object({
  v: z.literal(1),
  queue: z.string(),
  jobId: z.string(),
  name: z.string(),
  data: z.unknown(),
  error: z.string(),
  stack: z.string().nullable(),
  attemptsMade: z.number().int(),
  failedAt: z.string(),
});
export type TDeadLetter = z.infer<typeof ZDeadLetter>;
