/**
 * What the task panel shows of an EMR or Glue job: labelled fields read from
 * the try's external facts. Bookkeeping fields (the marker, the submit
 * phase, intent times) are left out: they say nothing to a person.
 */

/** Glue's price per DPU-hour in most regions (ETL jobs, 2026); the estimate says so. */
export const GLUE_USD_PER_DPU_HOUR = 0.44;

export interface ExternalField {
  label: string;
  value: string;
  testId: string;
}

export interface ExternalStep {
  id: string | null;
  name: string | null;
  state: string | null;
  reason: string | null;
}

export interface ExternalJob {
  kind: string;
  state: string | null;
  fields: ExternalField[];
  steps: ExternalStep[];
  consoleUrl: string | null;
}

const KINDS: Record<string, string> = {
  'emr.step': 'EMR steps',
  'emr.cluster': 'EMR cluster',
  'emr.stepSensor': 'EMR step',
  'emr.clusterSensor': 'EMR cluster',
  'emr.terminate': 'EMR cluster',
  'glue.jobRun': 'Glue job run',
  'glue.crawl': 'Glue crawl',
};

/** The try's marker Sluice appends to a step's name to find it again: ` [sluice-…]`. */
const STEP_MARKER = / \[sluice-[0-9a-f]+\]$/;

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function formatUsd(amount: number): string {
  return amount < 0.01 ? '< $0.01' : `$${amount.toFixed(2)}`;
}

export function readExternalJob(facts: Record<string, unknown>): ExternalJob {
  const fields: ExternalField[] = [];
  const add = (label: string, value: string | null, testId: string) => {
    if (value !== null) fields.push({ label, value, testId });
  };
  add('Cluster', str(facts.clusterId), 'ext-cluster');
  add('Glue job', str(facts.jobName), 'ext-glue-job');
  add('Glue run id', str(facts.jobRunId), 'ext-glue-run');
  add('Crawler', str(facts.crawlerName), 'ext-crawler');
  add('Region', str(facts.region), 'ext-region');
  const seconds = num(facts.executionTimeSeconds);
  add('Execution time', seconds === null ? null : `${seconds} s`, 'ext-execution-time');
  const dpuSeconds = num(facts.dpuSeconds);
  add('DPU-seconds', dpuSeconds === null ? null : String(dpuSeconds), 'ext-dpu-seconds');
  add(
    'Cost estimate',
    dpuSeconds === null
      ? null
      : `${formatUsd((dpuSeconds / 3600) * GLUE_USD_PER_DPU_HOUR)} at $${GLUE_USD_PER_DPU_HOUR} per DPU-hour`,
    'ext-cost',
  );
  const steps = Array.isArray(facts.steps)
    ? facts.steps.flatMap((s): ExternalStep[] =>
        typeof s === 'object' && s !== null
          ? [
              {
                id: str((s as Record<string, unknown>).stepId),
                name: str((s as Record<string, unknown>).name)?.replace(STEP_MARKER, '') ?? null,
                state: str((s as Record<string, unknown>).state),
                reason: str((s as Record<string, unknown>).reason),
              },
            ]
          : [],
      )
    : [];
  // Before the first check, only the submitted ids are known.
  const submitted =
    steps.length === 0 && Array.isArray(facts.stepIds)
      ? facts.stepIds.flatMap((id) => (typeof id === 'string' ? [{ id, name: null, state: null, reason: null }] : []))
      : [];
  const type = str(facts.type) ?? '';
  return {
    kind: KINDS[type] ?? (type || 'External job'),
    state: str(facts.awsState),
    fields,
    steps: steps.length > 0 ? steps : submitted,
    consoleUrl: str(facts.consoleUrl)?.startsWith('https://') ? (str(facts.consoleUrl) ?? null) : null,
  };
}
