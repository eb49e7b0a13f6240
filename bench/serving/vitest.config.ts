import { defineConfig } from 'vitest/config';

// Not part of `npm test` (benchmarks are run on purpose): `npx vitest run --config bench/serving/vitest.config.ts`.
export default defineConfig({ test: { include: ['bench/serving/**/*.test.ts'] } });
