import type { Command } from 'commander';
import { cliActor } from '../cli-actor.ts';
import { CliError } from '../cli-error.ts';
import { leftOutLine, parseLimit } from '../list-limit.ts';
import { assertRedisAnswers, connectDatabase, openRedis, queuePrefix } from '../services.ts';

async function withQueues<T>(
  work: (deps: { connection: import('ioredis').Redis; prefix: string }) => Promise<T>,
) {
  const connection = await openRedis();
  try {
    await assertRedisAnswers(connection);
    return await work({ connection, prefix: await queuePrefix() });
  } finally {
    connection.disconnect();
  }
}

export function register(program: Command): void {
  const dlq = program.command('dlq').description('Dead letters: jobs that exhausted their retries');
  dlq
    .command('list')
    .description('Dead letters, newest first, with the error and payload of each')
    .option('--limit <n>', 'how many letters, newest first', '100')
    .option('--json', 'print one JSON array')
    .action((flags: { json?: boolean; limit: string }) =>
      withQueues(async (deps) => {
        const limit = parseLimit(flags.limit);
        const [{ listDeadLetters, readQueues }, { QUEUES }] = await Promise.all([
          import('@acsa/pipelines/dead-letters'),
          import('@acsa/pipelines'),
        ]);
        const [letters, counts] = await Promise.all([
          listDeadLetters(deps, { limit }),
          // The states the listing reads: every letter there is (no worker ever takes one).
          readQueues(deps, [QUEUES.deadLetters], ([q]) =>
            q!.getJobCounts('waiting', 'delayed', 'prioritized'),
          ),
        ]);
        if (flags.json) return console.log(JSON.stringify(letters));
        if (letters.length === 0) return console.log('no dead letters');
        for (const l of letters) {
          console.log(`${l.id}`);
          console.log(`  ${l.failedAt}  ${l.queue} ${l.name} (job ${l.jobId}, ${l.attemptsMade} attempts)`);
          console.log(`  error:   ${l.error}`);
          console.log(`  payload: ${JSON.stringify(l.data)}`);
        }
        const total = (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0);
        const more = leftOutLine({
          shown: letters.length,
          total,
          noun: ['more dead letter', 'more dead letters'],
        });
        if (more) console.log(more);
      }),
    );
  dlq
    .command('replay')
    .description(
      'Run a dead letter’s job again (in place when the job is still kept) and drop the letter; audited as cli:<login>',
    )
    .argument('<id>', 'dead letter id, from `acsa dlq list`')
    .option('--json', 'print one JSON object')
    .action((id: string, flags: { json?: boolean }) =>
      withQueues(async (deps) => {
        const { replayDeadLetterFromConsole } = await import('@acsa/pipelines/dead-letters');
        // The console's replay: audited (`dead-letter.replay`, by `cli:<login>`), and a step of a retraining
        // run refused while another run is active. An entry that cannot be written stops the replay.
        const prisma = await connectDatabase();
        const r = await replayDeadLetterFromConsole(prisma, cliActor(), deps, id)
          .catch((e: Error) => {
            throw e instanceof CliError ? e : new CliError(e.message);
          })
          .finally(() => prisma.$disconnect());
        if (flags.json) return console.log(JSON.stringify(r));
        console.log(
          r.how === 'retried'
            ? `job ${r.jobId} is back on ${r.queue} with fresh attempts`
            : `the original job was gone; its payload was added to ${r.queue} as job ${r.jobId}`,
        );
        if (r.note) console.log(r.note);
      }),
    );
}
