import { resolve } from 'node:path';

export type TTestEnv = {
  /** A server for the tests' own databases (`DATABASE_URL`, the apps' variable); its database is never used. */
  databaseUrl: string;
  redisUrl: string;
  /** The public datasets beside the repository (`ACSA_SHARED_DATA`, else `../shared/data`). */
  sharedData: string;
  /** The Chromium the console's browser tests drive (`CHROMIUM_PATH`). */
  chromiumPath: string;
};

let read: TTestEnv | null = null;

/**
 * The test harness's settings, read from the environment once per process (an empty variable counts as
 * unset), defaulting to this machine's services, Debian's Chromium and the datasets beside the repository.
 * Tests that set an app's variables for the app under test (the CLI's) do not move the harness.
 */
export function testEnv(): TTestEnv {
  const v = (name: string) => process.env[name] || undefined;
  read ??= Object.freeze({
    databaseUrl: v('DATABASE_URL') ?? 'postgresql://postgres@127.0.0.1:5432/acsa',
    redisUrl: v('REDIS_URL') ?? 'redis://127.0.0.1:6379',
    sharedData: v('ACSA_SHARED_DATA') ?? resolve(import.meta.dirname, '../../../..', '../shared/data'),
    chromiumPath: v('CHROMIUM_PATH') ?? '/usr/bin/chromium',
  });
  return read;
}
