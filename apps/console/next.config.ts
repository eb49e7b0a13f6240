import type { NextConfig } from 'next';

const config: NextConfig = {
  // The browser tests build into a folder of their own, so they never replace the build `npm start` serves.
  distDir: process.env.ACSA_CONSOLE_DIST_DIR || '.next',
  // Workspace packages ship TypeScript sources; Next compiles them like its own.
  transpilePackages: ['@acsa/core', '@acsa/corpus', '@acsa/db', '@acsa/pipelines'],
  // Server-only packages with native or WASM parts stay out of the bundle.
  serverExternalPackages: [
    '@prisma/client',
    '@prisma/adapter-pg',
    'pg',
    'bullmq',
    'ioredis',
    'pino',
    'pino-pretty',
  ],
  poweredByHeader: false,
  // forbidden() answers a page a role may not see with 403 and app/forbidden.tsx.
  experimental: { authInterrupts: true },
  typedRoutes: false,
};

export default config;
