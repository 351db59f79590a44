/**
 * Values AWS accepts that both the SDK (checking a DAG file) and the
 * operators (validating the stored options) name: one list, so a DAG the
 * SDK accepts is never refused by the worker.
 */

/** Glue's worker types (Standard, G.*, Z.*, R.*), as StartJobRun accepts them. */
export const glueWorkerTypes = [
  'Standard',
  'G.1X',
  'G.2X',
  'G.4X',
  'G.8X',
  'G.12X',
  'G.16X',
  'G.025X',
  'Z.2X',
  'R.1X',
  'R.2X',
  'R.4X',
  'R.8X',
] as const;
