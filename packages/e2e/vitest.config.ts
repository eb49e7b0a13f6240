import { defineProject } from 'vitest/config';

// One console server and one browser for the whole suite (global setup); spec files run one after another
// because they share that server's database, and the machine has few cores.
export default defineProject({
  test: {
    name: '@acsa/e2e',
    include: ['src/**/*.e2e.ts'],
    globalSetup: ['./src/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 240_000,
  },
});
