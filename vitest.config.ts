import { defineConfig } from 'vitest/config';

const exclude = ['**/node_modules/**', 'tests/e2e/**'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests share one Postgres and one Redis on a 2-core machine;
    // each uses its own schema and queue prefix, so files may run side by side.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: [
            'packages/*/src/**/*.test.ts',
            'apps/*/src/**/*.test.ts',
            'tests/integration/**/*.test.ts',
            'scripts/**/*.test.ts',
            'dags/**/*.test.ts',
          ],
          exclude: [...exclude, 'apps/web/**'],
        },
      },
      {
        // The web UI's components and hooks, rendered in happy-dom.
        extends: true,
        test: {
          name: 'web',
          include: ['apps/web/src/**/*.test.{ts,tsx}'],
          exclude,
          environment: 'happy-dom',
          setupFiles: ['apps/web/src/test/setup.ts'],
        },
      },
    ],
  },
});
