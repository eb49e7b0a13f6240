import type { Command } from 'commander';
import { CliError } from '../cli-error.ts';

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

async function withQueues<T>(
  work: (deps: { connection: import('ioredis').Redis; prefix: string }) => Promise<T>,
) {
  const [{ Redis }, { DEFAULT_QUEUE_PREFIX }] = await Promise.all([
    import('ioredis'),
    import('@acsa/pipelines'),
  ]);
  // The CLI is an entry point like an app's env.ts: the one place here that reads the environment.
  const connection = new Redis(process.env.REDIS_URL ?? DEFAULT_REDIS_URL, {
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: () => null,
  });
  connection.on('error', () => undefined);
  try {
    await connection.ping().catch((e: Error) => {
      throw new CliError(`Redis is not reachable (${e.message})`);
    });
    return await work({ connection, prefix: process.env.QUEUE_PREFIX || DEFAULT_QUEUE_PREFIX });
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
      }),
    );
}
