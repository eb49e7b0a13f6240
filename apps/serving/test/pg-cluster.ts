import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Throwaway PostgreSQL clusters for tests that need a server of their own: a primary (initdb) and a
 * streaming replica of it (pg_basebackup -R), on free ports, in one temp dir. The shared server on 5432 is
 * never reconfigured: its pg_hba.conf allows no replication connection, and a test may not change that.
 */

/** The newest installed PostgreSQL with initdb and pg_basebackup, or null where none is. */
export function findPgBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin', 'pg_basebackup')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : null;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

export type TPgCluster = { port: number; dir: string; url(database: string): string };

export type TPgPair = {
  primary: TPgCluster;
  replica: TPgCluster;
  /** Starts the replica (again); `mode` of a stop is pg_ctl's (`immediate` is a crash). */
  startReplica(): void;
  stopReplica(mode?: 'fast' | 'immediate'): void;
  /** Stops both and removes the temp dir. */
  destroy(): void;
};

export async function startPrimaryAndReplica(bin: string): Promise<TPgPair> {
  const base = mkdtempSync(path.join(tmpdir(), 'acsa-pg-'));
  // initdb refuses to run as root: then the clusters belong to the postgres user.
  const asRoot = process.getuid?.() === 0;
  const run = (tool: string, args: string[]) => {
    const cmd = path.join(bin, tool);
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
    return execFileSync(file, argv, { stdio: 'pipe', cwd: base, timeout: 60_000 }).toString();
  };
  if (asRoot) chownSync(base, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), -1);

  const cluster = (name: string, port: number): TPgCluster => ({
    port,
    dir: path.join(base, name),
    url: (database) => `postgresql://postgres@127.0.0.1:${port}/${database}`,
  });
  const [primary, replica] = [cluster('primary', await freePort()), cluster('replica', await freePort())];
  const start = (c: TPgCluster) =>
    run('pg_ctl', [
      '-D',
      c.dir,
      '-l',
      `${c.dir}.log`,
      '-w',
      '-o',
      // Sockets in the temp dir; no fsync: the clusters live for one test file.
      `-c port=${c.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${base} -c fsync=off -c max_connections=60`,
      'start',
    ]);
  const stop = (c: TPgCluster, mode = 'fast') => {
    try {
      run('pg_ctl', ['-D', c.dir, '-m', mode, '-w', 'stop']);
    } catch {
      // Not running.
    }
  };

  // -A trust writes pg_hba.conf lines for replication connections from 127.0.0.1 too.
  run('initdb', ['-D', primary.dir, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
  start(primary);
  try {
    run('pg_basebackup', [
      ...['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres'],
      ...['-D', replica.dir, '-R', '-X', 'stream', '--no-sync'],
    ]);
    start(replica);
  } catch (e) {
    stop(primary, 'immediate');
    rmSync(base, { recursive: true, force: true });
    throw e;
  }
  return {
    primary,
    replica,
    startReplica: () => start(replica),
    stopReplica: (mode = 'fast') => stop(replica, mode),
    destroy() {
      stop(replica, 'immediate');
      stop(primary, 'immediate');
      rmSync(base, { recursive: true, force: true });
    },
  };
}
