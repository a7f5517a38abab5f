import { defineConfig } from 'prisma/config';

// Used by the Prisma CLI (generate, and migrate where its schema engine is available).
// At run time the API applies prisma/migrations itself: see apps/api/src/database/migrate.ts.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/fanout' },
});
