import { defineConfig } from 'vitest/config';

/** The tests Stryker runs against mutants of packages/core: core's own unit tests. */
export default defineConfig({
  test: {
    include: ['packages/core/src/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
  },
});
