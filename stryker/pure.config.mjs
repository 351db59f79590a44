// @ts-check
import core from './core.config.mjs';

/**
 * Mutation testing of the pure parts of engine, operators (option
 * compilation, the try marker, AWS error classification), sdk and
 * dag-loader (`npm run mutate`). The break threshold fails the run below
 * 75%. See docs/testing.md.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  ...core,
  vitest: { configFile: 'stryker/vitest.pure.config.ts', related: false },
  mutate: [
    'packages/engine/src/conf.ts',
    'packages/engine/src/coalescer.ts',
    'packages/operators/src/external.ts',
    'packages/operators/src/aws/settings.ts',
    'packages/operators/src/aws/errors.ts',
    'packages/operators/src/emr/options.ts',
    'packages/operators/src/glue/options.ts',
    'packages/sdk/src/**/*.ts',
    '!packages/sdk/src/**/*.test.ts',
    '!packages/sdk/src/index.ts',
    'packages/dag-loader/src/hash.ts',
    'packages/dag-loader/src/stack.ts',
  ],
  ignorePatterns: [
    '/*',
    '!/packages',
    '/packages/*',
    '!/packages/core',
    '!/packages/engine',
    '!/packages/operators',
    '!/packages/sdk',
    '!/packages/dag-loader',
    '!/stryker',
    '!/package.json',
    '!/tsconfig.json',
  ],
  incrementalFile: 'stryker/incremental/pure.json',
  thresholds: { high: 85, low: 75, break: 75 },
  jsonReporter: { fileName: 'reports/mutation/pure.json' },
};
