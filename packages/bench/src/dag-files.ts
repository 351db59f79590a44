/**
 * DAG files the benchmark loads: a chain, a DAG of independent tasks,
 * fan-out/fan-in layers, a fan-out written out and the same one mapped, and a folder of many small DAGs with a known set
 * of broken ones. Pure: returns file names and sources, writes nothing.
 */

export interface DagFile {
  file: string;
  source: string;
}

/** Ways a generated file is broken; each must end up an import error. */
export const brokenKinds = ['syntax', 'throws', 'bad_cron', 'bad_timezone', 'duplicate_task'] as const;
export type BrokenKind = (typeof brokenKinds)[number];

export interface GeneratedDagFile extends DagFile {
  /** Why the file must fail to load; absent for a good file. */
  broken?: BrokenKind;
}

/** Benchmark DAGs run manually, many runs at once, with no cap on active tasks. */
const header = (id: string) =>
  `import { dag, fn } from '@sluice/sdk';\n\nexport const d = dag({ id: ${JSON.stringify(id)}, schedule: null, maxActiveRuns: 1000, maxActiveTasks: 1000000 });\nconst noop = () => fn(async () => undefined);\n`;

const pad = (i: number) => String(i).padStart(5, '0');

/** Task id of the i-th task (0-based) in every generated DAG: sorts as it is numbered. */
export const taskId = (i: number) => `t${pad(i)}`;

/** `length` no-op tasks, each the upstream of the next: t00000 → t00001 → … */
export function chainDag(id: string, length: number): DagFile {
  if (length < 2) throw new RangeError('a chain needs at least 2 tasks');
  const source = `${header(id)}
let prev = d.task('t00000', noop());
for (let i = 1; i < ${length}; i++) prev = d.task('t' + String(i).padStart(5, '0'), { upstream: [prev] }, noop());
`;
  return { file: `${id}.ts`, source };
}

/** `count` no-op tasks with no dependencies between them. */
export function independentDag(id: string, count: number): DagFile {
  const source = `${header(id)}
for (let i = 0; i < ${count}; i++) d.task('t' + String(i).padStart(5, '0'), noop());
`;
  return { file: `${id}.ts`, source };
}

/**
 * `blocks` layers of `width` parallel tasks, each layer closed by one join
 * task that the next layer fans out from: blocks × (width + 1) tasks.
 */
export function layeredDag(id: string, blocks: number, width: number): DagFile {
  const source = `${header(id)}
let n = 0;
const next = () => 't' + String(n++).padStart(5, '0');
let join = null;
for (let b = 0; b < ${blocks}; b++) {
  const layer = [];
  for (let w = 0; w < ${width}; w++) layer.push(d.task(next(), join ? { upstream: [join] } : {}, noop()));
  join = d.task(next(), { upstream: layer }, noop());
}
`;
  return { file: `${id}.ts`, source };
}

/** Tasks in `layeredDag(_, blocks, width)`. */
export const layeredTaskCount = (blocks: number, width: number) => blocks * (width + 1);

/**
 * A fan-out of `width` written out: `list`, then `width` tasks (t00000…)
 * each downstream of it, then `collect` downstream of them all. The static
 * side of the mapping section: `width + 2` task instances, as in
 * `mappedFanoutDag`.
 */
export function staticFanoutDag(id: string, width: number): DagFile {
  const source = `${header(id)}
const list = d.task('list', noop());
const layer = [];
for (let i = 0; i < ${width}; i++) layer.push(d.task('t' + String(i).padStart(5, '0'), { upstream: [list] }, noop()));
d.task('collect', { upstream: layer }, fn(async () => ${width}));
`;
  return { file: `${id}.ts`, source };
}

/**
 * The same fan-out mapped: `list` returns `width` items, `each` is mapped
 * over them (expanded at run time into `width` instances) and `collect`
 * reads their collected outputs, returning how many it got.
 */
export function mappedFanoutDag(id: string, width: number): DagFile {
  const source = `import { dag, fn, items } from '@sluice/sdk';

export const d = dag({ id: ${JSON.stringify(id)}, schedule: null, maxActiveRuns: 1000, maxActiveTasks: 1000000, maxMapLength: ${Math.max(width, 1024)} });
const list = d.task('list', fn(async () => Array.from({ length: ${width} }, (_, i) => i)));
const each = d.task('each', { upstream: [list], map: items(list) }, fn(async (ctx) => ctx.item));
d.task('collect', { upstream: [each] }, fn(async (ctx) => ctx.output(each).length));
`;
  return { file: `${id}.ts`, source };
}

function goodLoadFile(i: number): string {
  return `import { dag, fn, shell } from '@sluice/sdk';

export const d = dag({ id: 'load_${pad(i)}', schedule: '@daily', start: '2026-01-01', tags: ['bench'], defaultArgs: { retries: 1 } });
const extract = d.task('extract', fn(async () => ({ rows: ${i} })));
const transform = d.task('transform', { upstream: [extract] }, fn(async (ctx) => ({ rows: ctx.output(extract).rows * 2 })));
d.task('load', { upstream: [transform] }, shell({ command: 'echo load ${i}' }));
d.task('report', { upstream: [transform] }, fn(async () => undefined));
`;
}

function brokenLoadFile(i: number, kind: BrokenKind): string {
  const id = `load_${pad(i)}`;
  switch (kind) {
    case 'syntax':
      return `import { dag, fn } from '@sluice/sdk';\nexport const d = dag({ id: '${id}' );\nd.task('a', fn(async () => 1));\n`;
    case 'throws':
      return `import { dag } from '@sluice/sdk';\nexport const d = dag({ id: '${id}' });\nthrow new Error('broken on purpose: ${id}');\n`;
    case 'bad_cron':
      return `import { dag, fn } from '@sluice/sdk';\nexport const d = dag({ id: '${id}', schedule: '61 25 * * *', start: '2026-01-01' });\nd.task('a', fn(async () => 1));\n`;
    case 'bad_timezone':
      return `import { dag, fn } from '@sluice/sdk';\nexport const d = dag({ id: '${id}', schedule: '@daily', start: '2026-01-01', timezone: 'Mars/Olympus_Mons' });\nd.task('a', fn(async () => 1));\n`;
    case 'duplicate_task':
      return `import { dag, fn } from '@sluice/sdk';\nexport const d = dag({ id: '${id}' });\nd.task('a', fn(async () => 1));\nd.task('a', fn(async () => 2));\n`;
  }
}

/**
 * `total` DAG files, `broken` of them broken (spread evenly through the
 * folder, the kinds taken in turn), the rest small valid DAGs.
 */
export function loadingDagFiles(total: number, broken: number): GeneratedDagFile[] {
  if (broken > total) throw new RangeError('more broken files than files');
  const step = broken === 0 ? 0 : total / broken;
  const brokenAt = new Map<number, BrokenKind>();
  for (let k = 0; k < broken; k++)
    brokenAt.set(Math.floor(k * step + step / 2), brokenKinds[k % brokenKinds.length] as BrokenKind);
  const files: GeneratedDagFile[] = [];
  for (let i = 0; i < total; i++) {
    const kind = brokenAt.get(i);
    const file = `load_${pad(i)}.ts`;
    files.push(kind ? { file, source: brokenLoadFile(i, kind), broken: kind } : { file, source: goodLoadFile(i) });
  }
  return files;
}
