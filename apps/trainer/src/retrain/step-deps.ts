import type { Logger } from '@acsa/core/logger';
import type { PrismaClient } from '@acsa/db';
import type { Redis } from 'ioredis';

/** What the in-process steps need; the sandboxed ones get paths through the flow context instead. */
export type TStepDeps = {
  prisma: PrismaClient;
  /** For alias-move announcements; null leaves serving to notice on its next registry poll. */
  redis: Redis | null;
  workDir: string;
  logger: Logger;
};
