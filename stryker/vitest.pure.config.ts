import { defineConfig } from 'vitest/config';

/**
 * The tests Stryker runs against mutants of the pure parts of engine,
 * operators, sdk and dag-loader: unit tests that need no Postgres, Redis,
 * AWS emulator or child process.
 */
export default defineConfig({
  test: {
    include: [
      'packages/engine/src/conf.test.ts',
      'packages/engine/src/coalescer.test.ts',
      'packages/engine/src/coalescer-limits.test.ts',
      'packages/operators/src/options.test.ts',
      'packages/operators/src/external.test.ts',
      'packages/operators/src/option-values.test.ts',
      'packages/operators/src/aws/errors.test.ts',
      'packages/sdk/src/**/*.test.ts',
      'packages/dag-loader/src/hash.test.ts',
      'packages/dag-loader/src/stack.test.ts',
    ],
    // task-context.test.ts runs the TypeScript compiler (seconds a test) to check types, not behaviour.
    exclude: ['**/node_modules/**', 'packages/sdk/src/task-context.test.ts'],
  },
});
