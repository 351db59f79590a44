/**
 * Targets the benchmark reports against, and the decision of the `--quick`
 * guard: it fails when a Sluice ÷ BullMQ ratio is worse than half its target.
 * Ratios, not absolute times, because the guard runs on shared machines
 * whose speed varies from one run to the next; BullMQ measured in the same
 * run cancels most of that out.
 */

export const targets = {
  handoffP50Ms: 5,
  handoffP99Ms: 30,
  throughputTiPerSec2Workers: 3_000,
  /** Sluice TI/s with 2 workers ÷ bare BullMQ jobs/s: at least this. */
  throughputRatioMin: 0.25,
  /**
   * Sluice handoff p50 ÷ BullMQ FlowProducer hop p50: at most this. From the
   * issue's own figures: a 5 ms handoff on a machine where a bare BullMQ
   * worker starts a job 0.5 ms after it is added (a FlowProducer hop
   * measures 0.5–0.7 ms here): ten BullMQ hops for one of Sluice's, which
   * makes a durable finish, a scheduling pass and a claim in Postgres.
   */
  hopRatioMax: 10,
  scalePerTaskGrowthMax: 1.5,
  schedulerRssMb: 400,
  dagLoadMs: 10_000,
  grid365x50P50Ms: 150,
  grid10kRunP50Ms: 500,
  /** A task mapped over 1,000 items (expand, run, collect) ÷ the same fan-out written out as 1,000 tasks: at most this. */
  mappedFanoutRatioMax: 1.5,
  /** The grid of a run with 10,000 instances of one mapped task. */
  gridMapped10kP50Ms: 500,
  /** A new `sluice --help` process, spawn to exit. */
  cliHelpMs: 300,
  /** API time of a UI page's first requests (sent together), with 500 runs of a 50-task DAG. */
  uiPageP95Ms: 300,
} as const;

export interface GuardInput {
  /** Sluice TI/s ÷ BullMQ jobs/s (higher is better); null when not measured. */
  throughputRatio: number | null;
  /** Sluice hop p50 ÷ BullMQ hop p50 (lower is better); null when not measured. */
  hopRatio: number | null;
}

export interface GuardCheck {
  name: string;
  value: number | null;
  /** The worst value that still passes. */
  limit: number;
  passed: boolean;
  reason: string;
}

export interface GuardResult {
  passed: boolean;
  checks: GuardCheck[];
}

const fmt = (n: number) => (Math.round(n * 1000) / 1000).toString();

/**
 * Half the target: a throughput ratio below half of its minimum, or a hop
 * ratio above twice its maximum (half the relative speed), fails. A ratio
 * that could not be measured fails too: a guard that cannot see is no guard.
 */
export function decideGuard(
  input: GuardInput,
  t: { throughputRatioMin: number; hopRatioMax: number } = targets,
): GuardResult {
  const tpLimit = t.throughputRatioMin / 2;
  const hopLimit = t.hopRatioMax * 2;
  const checks: GuardCheck[] = [
    input.throughputRatio === null
      ? {
          name: 'throughput ratio',
          value: null,
          limit: tpLimit,
          passed: false,
          reason: 'throughput ratio was not measured',
        }
      : {
          name: 'throughput ratio',
          value: input.throughputRatio,
          limit: tpLimit,
          passed: input.throughputRatio >= tpLimit,
          reason: `Sluice ÷ BullMQ throughput ${fmt(input.throughputRatio)} ${input.throughputRatio >= tpLimit ? '>=' : '<'} ${fmt(tpLimit)} (half the target ${fmt(t.throughputRatioMin)})`,
        },
    input.hopRatio === null
      ? {
          name: 'hop latency ratio',
          value: null,
          limit: hopLimit,
          passed: false,
          reason: 'hop latency ratio was not measured',
        }
      : {
          name: 'hop latency ratio',
          value: input.hopRatio,
          limit: hopLimit,
          passed: input.hopRatio <= hopLimit,
          reason: `Sluice ÷ BullMQ hop p50 ${fmt(input.hopRatio)} ${input.hopRatio <= hopLimit ? '<=' : '>'} ${fmt(hopLimit)} (twice the target ${fmt(t.hopRatioMax)})`,
        },
  ];
  return { passed: checks.every((c) => c.passed), checks };
}
