/**
 * @sluice/bench — benchmarks of Sluice against bare BullMQ. The CLI is
 * `src/main.ts`; these are its pure parts, and the process, wait and
 * cleanup helpers other suites that start a real Sluice reuse (the chaos suite).
 */
export { percentile, median, spread, latencySummary, ratio, chainGaps } from './stats';
export type { Spread, LatencySummary } from './stats';
export { targets, decideGuard } from './guard';
export type { GuardInput, GuardCheck, GuardResult } from './guard';
export {
  chainDag,
  independentDag,
  layeredDag,
  layeredTaskCount,
  loadingDagFiles,
  brokenKinds,
  taskId,
} from './dag-files';
export type { DagFile, GeneratedDagFile, BrokenKind } from './dag-files';
export { startApp, repoRoot } from './processes';
export type { AppProcess } from './processes';
export { Cleanup } from './cleanup';
export { waitUntil } from './wait';
export { deletePrefix, freePort, writeDagFiles } from './stack';
