import pg from 'pg';

// The schema's timestamps are `timestamp(3)` without zone, holding UTC (as Prisma writes them). pg would
// read and write them in the process's local zone; pin both directions to UTC whatever TZ says.
pg.types.setTypeParser(pg.types.builtins.TIMESTAMP, (s) => new Date(`${s.replace(' ', 'T')}Z`));
pg.defaults.parseInputDatesAsUTC = true;

export function createPool(url: string, max: number): pg.Pool {
  return new pg.Pool({ connectionString: url, max, application_name: 'acsa-serving' });
}
