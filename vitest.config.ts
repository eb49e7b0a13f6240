import { defineConfig } from 'vitest/config';

// One run over every workspace; each workspace may add its own vitest.config.ts.
export default defineConfig({
  test: {
    projects: ['packages/*', 'prisma', 'pipelines', 'apps/serving', 'apps/trainer', 'apps/console', 'deploy'],
  },
});
