import { createPrisma, type PrismaClient } from '@acsa/db';
import { inject } from 'vitest';

/** The console's test database, for a spec to put in what serving would have written. */
export const testPrisma = (): PrismaClient => createPrisma({ url: inject('databaseUrl'), max: 2 });
