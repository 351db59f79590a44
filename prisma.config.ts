// Prisma CLI configuration. The database URL lives here, not in
// schema.prisma (Prisma 7). `prisma generate` needs no database, so the URL is
// only set when DATABASE_URL is; Sluice applies migrations with its own runner
// (packages/db/src/migrate.ts, `sluice db migrate`), not `prisma migrate`.
import { defineConfig } from 'prisma/config';

const url = process.env.DATABASE_URL;

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  ...(url === undefined ? {} : { datasource: { url } }),
});
