import type { Command } from 'commander';
import { CliError } from '../cli-error.ts';
import { assertRedisAnswers, openRedis, queuePrefix } from '../services.ts';

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
    .option('--json', 'print one JSON array')
    .action((flags: { json?: boolean }) =>
      withQueues(async (deps) => {
        const { listDeadLetters } = await import('@acsa/pipelines/dead-letters');
        const letters = await listDeadLetters(deps);
        if (flags.json) return console.log(JSON.stringify(letters));
        if (letters.length === 0) return console.log('no dead letters');
        for (const l of letters) {
          console.log(`${l.id}`);
          console.log(`  ${l.failedAt}  ${l.queue} ${l.name} (job ${l.jobId}, ${l.attemptsMade} attempts)`);
          console.log(`  error:   ${l.error}`);
          console.log(`  payload: ${JSON.stringify(l.data)}`);
        }
      }),
    );
  dlq
    .command('replay')
    .description('Run a dead letter’s job again (in place when the job is still kept) and drop the letter')
    .argument('<id>', 'dead letter id, from `acsa dlq list`')
    .option('--json', 'print one JSON object')
    .action((id: string, flags: { json?: boolean }) =>
      withQueues(async (deps) => {
        const { replayDeadLetter } = await import('@acsa/pipelines/dead-letters');
        const r = await replayDeadLetter(deps, id).catch((e: Error) => {
          throw new CliError(e.message);
        });
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
