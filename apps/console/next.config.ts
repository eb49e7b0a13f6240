import type { NextConfig } from 'next';

const config: NextConfig = {
  // Workspace packages ship TypeScript sources; Next compiles them like its own.
  transpilePackages: ['@acsa/core', '@acsa/db', '@acsa/pipelines'],
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
  typedRoutes: false,
};

export default config;
