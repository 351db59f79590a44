/**
 * The DAG files the chaos suite loads. Pure: returns file names and sources.
 *
 * The layered DAG's tasks are shell commands that append to one ledger file
 * "<run> <task> <try> <pid> start <ms>" before sleeping a short random time
 * and "<run> <task> <try> <pid> end <ms>" after it, so what really executed
 * can be read back independently of what Sluice recorded.
 */
import type { DagFile } from '@sluice/bench';

export const LAYERED_DAG_ID = 'chaos_layers';

export interface LayeredShape {
  layers: number;
  width: number;
  /** Upstream tasks of each task in the previous layer (at most `width`). */
  fanIn: number;
}

/** A shape with about `tasks` tasks: 5 layers when there are enough tasks, 3 upstreams each. */
export function shapeFor(tasks: number): LayeredShape {
  if (!Number.isInteger(tasks) || tasks < 2)
    throw new RangeError(`--tasks must be an integer of at least 2, got ${tasks}`);
  const layers = tasks >= 10 ? 5 : 2;
  const width = Math.max(1, Math.round(tasks / layers));
  return { layers, width, fanIn: Math.min(3, width) };
}

export const layeredTaskId = (layer: number, index: number) => `l${layer}_t${String(index).padStart(2, '0')}`;

/** The upstream indexes (in the previous layer) of task `index`: `fanIn` distinct ones, spread over the layer. */
export function upstreamIndexes(index: number, shape: LayeredShape): number[] {
  const picked = new Set<number>();
  const strides = [0, 1, 3, 7, 5, 2, 4, 6];
  for (const s of strides) {
    if (picked.size >= shape.fanIn) break;
    picked.add((index + s) % shape.width);
  }
  return [...picked].sort((a, b) => a - b);
}

/** Shell quoting for a path inside single quotes. */
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The command a layered task runs: ledger start line, a random sleep,
 * ledger end line. Short tasks sleep 0.1–0.9 s; long ones 11–13 s, longer
 * than the suite's heartbeat timeout (6 s) and retry delay together, so that a retry started after
 * its worker was killed would overlap the orphaned first try if that try
 * kept running.
 */
export function ledgerCommand(ledgerPath: string, long = false): string {
  const line = (what: 'start' | 'end') =>
    `echo "$SLUICE_RUN_ID $SLUICE_TASK_ID $SLUICE_TRY_NUMBER $$ ${what} $(date +%s%3N)" >> ${quote(ledgerPath)}`;
  const sleep = long ? 'sleep $((RANDOM % 3 + 11)).$((RANDOM % 10))' : 'sleep 0.$((RANDOM % 9 + 1))';
  return `${line('start')}; ${sleep}; ${line('end')}`;
}

/** Whether a task of the layered DAG is a long one when the DAG has them: the first of every layer. */
export const isLongTask = (taskId: string) => /^l\d+_t00$/.test(taskId);

/** With `long`, the first task of every layer is a long one (see ledgerCommand). */
export function layeredShellDag(shape: LayeredShape, ledgerPath: string, long = false): DagFile {
  const lines: string[] = [
    `import { dag, shell } from '@sluice/sdk';`,
    ``,
    `export const d = dag({ id: '${LAYERED_DAG_ID}', schedule: null, maxActiveRuns: 1000, maxActiveTasks: 1000000, defaultArgs: { retries: 10, retryDelay: 500 } });`,
    `const command = ${JSON.stringify(ledgerCommand(ledgerPath))};`,
    `const longCommand = ${JSON.stringify(ledgerCommand(ledgerPath, true))};`,
  ];
  for (let l = 0; l < shape.layers; l++) {
    for (let i = 0; i < shape.width; i++) {
      const ups = l === 0 ? [] : upstreamIndexes(i, shape).map((u) => `t_${l - 1}_${u}`);
      const opts = ups.length > 0 ? `{ upstream: [${ups.join(', ')}] }, ` : '';
      const command = long && i === 0 ? 'command: longCommand' : 'command';
      lines.push(`const t_${l}_${i} = d.task('${layeredTaskId(l, i)}', ${opts}shell({ ${command} }));`);
    }
  }
  // Every task is referenced, so an unused-variable check never trips on the last layer.
  lines.push(
    `export const last = [${Array.from({ length: shape.width }, (_, i) => `t_${shape.layers - 1}_${i}`).join(', ')}];`,
    '',
  );
  return { file: `${LAYERED_DAG_ID}.ts`, source: lines.join('\n') };
}

/** The EMR/Glue scenarios' DAGs: one DAG each so they run and end independently. */
export const awsDagIds = {
  adopt: 'chaos_aws_adopt',
  clear: 'chaos_aws_clear',
  cancel500: 'chaos_aws_cancel500',
  timeout: 'chaos_aws_timeout',
} as const;
export type AwsScenario = keyof typeof awsDagIds;

/** Names the emulator's rules match on. */
export const awsNames = {
  adoptStep: 'chaos adopt step',
  cancelStep: 'chaos cancel step',
  timeoutStep: 'chaos timeout step',
  clearJob: 'chaos-clear-job',
} as const;

const clusterTask = (name: string) => `const cluster = d.task('create_cluster', emr.createCluster({
  name: '${name}', releaseLabel: 'emr-7.2.0', applications: ['Spark'],
  instances: { masterInstanceType: 'm5.xlarge', instanceCount: 1 },
}));`;

export function awsDagFiles(): DagFile[] {
  const head = (id: string, operators: 'emr' | 'glue') =>
    `import { dag, ${operators} } from '@sluice/sdk';\nexport const d = dag({ id: '${id}', schedule: null, maxActiveRuns: 10 });\n`;
  return [
    {
      file: `${awsDagIds.adopt}.ts`,
      source: `${head(awsDagIds.adopt, 'emr')}${clusterTask('adopt')}
d.task('step', { upstream: [cluster], retries: 2, retryDelay: 1000 }, emr.addSteps({ cluster, steps: [{ name: '${awsNames.adoptStep}', args: ['spark-submit', 'adopt.py'] }] }));
`,
    },
    {
      file: `${awsDagIds.clear}.ts`,
      source: `${head(awsDagIds.clear, 'glue')}
d.task('job', { retries: 2, retryDelay: 1000 }, glue.startJobRun({ jobName: '${awsNames.clearJob}' }));
`,
    },
    {
      file: `${awsDagIds.cancel500}.ts`,
      source: `${head(awsDagIds.cancel500, 'emr')}${clusterTask('cancel500')}
d.task('step', { upstream: [cluster], retries: 0 }, emr.addSteps({ cluster, steps: [{ name: '${awsNames.cancelStep}', args: ['spark-submit', 'cancel.py'] }] }));
`,
    },
    {
      file: `${awsDagIds.timeout}.ts`,
      source: `${head(awsDagIds.timeout, 'emr')}${clusterTask('timeout')}
d.task('step', { upstream: [cluster], retries: 0, executionTimeout: '3s' }, emr.addSteps({ cluster, steps: [{ name: '${awsNames.timeoutStep}', args: ['spark-submit', 'timeout.py'] }] }));
`,
    },
  ];
}
