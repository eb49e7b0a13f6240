import { type Command, Option } from 'commander';
import { cliActor } from '../cli-actor.ts';
import { CliError } from '../cli-error.ts';
import { cliEnv } from '../env.ts';
import { connectDatabase } from '../services.ts';

/** What a flag is called where a person gave it, for the errors about it. */
const FLAG: Record<string, string> = {
  email: '--email',
  name: '--name',
  role: '--role',
  password: 'the password',
};

/** The first line of stdin, without its line break (`echo "$PASSWORD" | acsa users add … --password-stdin`). */
async function firstLine(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

export function register(program: Command): void {
  const users = program.command('users').description('Console users');
  users
    .command('add')
    .description(
      'Add a console user: the first admin of a new installation, or anyone (admins add users in the console too)',
    )
    .requiredOption('--email <email>', 'what they sign in with')
    .requiredOption('--name <name>', 'the name people know them by')
    .addOption(
      new Option('--role <role>', 'what they may do')
        .choices(['reviewer', 'engineer', 'admin'])
        .default('reviewer'),
    )
    .option('--password-stdin', 'read their first password from stdin (otherwise from ACSA_USER_PASSWORD)')
    .option('--json', 'print one JSON object')
    .action(
      async (flags: {
        email: string;
        name: string;
        role: string;
        passwordStdin?: boolean;
        json?: boolean;
      }) => {
        // Never an argument: a command line is visible to every process on the machine, and kept in shell history.
        const password = flags.passwordStdin ? await firstLine(process.stdin) : cliEnv().ACSA_USER_PASSWORD;
        if (!password)
          throw new CliError(
            'give the password on stdin (--password-stdin) or in ACSA_USER_PASSWORD, never as an argument',
          );
        const { addUser, ZNewUser } = await import('@acsa/pipelines/admin');
        const input = {
          email: flags.email,
          name: flags.name,
          role: flags.role.toUpperCase() as 'REVIEWER' | 'ENGINEER' | 'ADMIN',
          password,
        };
        // Checked before connecting: a typo is told at once, whatever the database's state.
        const checked = ZNewUser.safeParse(input);
        if (!checked.success)
          throw new CliError(
            checked.error.issues
              .map((i) => `${FLAG[String(i.path[0])] ?? i.path.join('.')}: ${i.message}`)
              .join('; '),
          );
        const prisma = await connectDatabase();
        try {
          const user = await addUser(prisma, cliActor(), input).catch((e: Error & { code?: string }) => {
            throw e.name === 'AppError' ? new CliError(e.message) : e;
          });
          console.log(
            flags.json
              ? JSON.stringify(user)
              : `added ${user.name} <${user.email}> as ${user.role.toLowerCase()}: they sign in on the console's sign-in page`,
          );
        } finally {
          await prisma.$disconnect();
        }
      },
    );
}
