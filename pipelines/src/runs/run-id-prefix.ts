import { AppError } from '@acsa/core/errors';
import type { PrismaClient } from '@acsa/db';

/**
 * As few characters of a run id as a person may type. Run ids are UUIDv7, whose first 8 hex digits are a
 * time bucket of about a minute: two runs started that close share them, and such a prefix is refused as
 * ambiguous (more of the id tells them apart).
 */
const RUN_ID_PREFIX_MIN = 8;

const LOWEST = '00000000-0000-0000-0000-000000000000';
const HIGHEST = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

/**
 * The run ids a prefix covers, as a range of uuids (an index can answer it, and no LIKE pattern is built from
 * what was typed), or an error naming `field` when the text cannot begin a run id: too short, or not the
 * hex-and-dashes shape `acsa runs list` prints (either case). Checked before connecting.
 */
export function runIdRange(typed: string, field = 'runId'): { gte: string; lte: string } {
  const prefix = typed.trim().toLowerCase();
  if (prefix.length < RUN_ID_PREFIX_MIN)
    throw new AppError(
      'BAD_REQUEST',
      `at least ${RUN_ID_PREFIX_MIN} characters of a run id, got ${JSON.stringify(typed)}`,
      { field },
    );
  const shape = [...prefix].every((c, i) => (LOWEST[i] === '-' ? c === '-' : /[0-9a-f]/.test(c)));
  if (prefix.length > LOWEST.length || !shape)
    throw new AppError('BAD_REQUEST', `${JSON.stringify(typed)} is not (the start of) a run id`, { field });
  return {
    gte: prefix + LOWEST.slice(prefix.length),
    lte: prefix + HIGHEST.slice(prefix.length),
  };
}

/**
 * The one run whose id is, or starts with, `typed` (8 characters at least). None, or more than one, is
 * refused: a cancel must never pick one of two runs for the person who typed too little.
 */
export async function runIdFromPrefix(prisma: PrismaClient, typed: string, field = 'runId'): Promise<string> {
  const range = runIdRange(typed, field);
  // 8 hex digits or more: more than a handful of matches would take billions of runs.
  const runs = await prisma.trainingRun.findMany({ where: { id: range }, select: { id: true } });
  const [only] = runs;
  if (!only) throw new AppError('NOT_FOUND', `no run has an id starting ${JSON.stringify(typed)}`, { field });
  if (runs.length > 1)
    throw new AppError(
      'CONFLICT',
      `${JSON.stringify(typed)} starts the ids of ${runs.length} runs: give more of the id`,
      { field },
    );
  return only.id;
}
