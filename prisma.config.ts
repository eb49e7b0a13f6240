import { defineConfig } from 'prisma/config';

// Prisma's env() throws when DATABASE_URL is unset, even for `generate`, which needs no database;
// falling back to the local default keeps `prisma generate` working on a fresh clone.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/acsa' },
});
