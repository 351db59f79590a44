// @ts-check
/**
 * Mutation testing of packages/core (`npm run mutate`). The break threshold
 * fails the run below 90%; the incremental file is committed so a run
 * mutates only what changed since it was written. See docs/testing.md.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'stryker/vitest.core.config.ts', related: false },
  coverageAnalysis: 'perTest',
  mutate: ['packages/core/src/**/*.ts', '!packages/core/src/**/*.test.ts', '!packages/core/src/test-fixtures.ts'],
  ignorePatterns: [
    '/*',
    '!/packages',
    '/packages/*',
    '!/packages/core',
    '!/stryker',
    '!/package.json',
    '!/tsconfig.json',
  ],
  incremental: true,
  incrementalFile: 'stryker/incremental/core.json',
  thresholds: { high: 95, low: 90, break: 90 },
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/core.json' },
  concurrency: 2,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
