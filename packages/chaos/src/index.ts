/**
 * @sluice/chaos — the fault suite. The CLI is `src/main.ts`; `runSuite`
 * runs it from a test.
 */
export { runSuite, formatReport } from './suite';
export type { SuiteOptions } from './suite';
export type { ChaosResults, ChaosConfig, Invariant } from './report';
export { parseArgs, fullDefaults, quickDefaults } from './args';
export type { ChaosArgs } from './args';
