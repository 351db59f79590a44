/**
 * Run values in operator options, as Airflow's `{{ ds }}`: every string in
 * an EMR/Glue/S3 task's options may use `{{ ds }}`, `{{ ds_nodash }}`, `{{ hour }}` (UTC, `00`–`23`),
 * `{{ logical_date }}`, `{{ data_interval_start }}`, `{{ data_interval_end }}`,
 * `{{ run_id }}`, `{{ dag_id }}`, `{{ task_id }}`, `{{ try_number }}`,
 * `{{ conf.<key> }}`; a mapped task's instance also `{{ map_index }}`,
 * `{{ item }}` and `{{ item.<key> }}` (its item, or a key of it); and, in an
 * asset-triggered run, `{{ triggering.<key> }}`: the values of `<key>` in its
 * triggering events' metadata (arrays flattened), each once, comma-separated
 * (`2026-11-20,2026-11-21`). An unknown name is an error naming it, not an
 * empty string.
 */
import { NonRetryableError } from '@sluice/core';
import type { AssetEventData } from '@sluice/core';
import type { ClaimedTry } from '@sluice/db';

/** What a template reads of a try: its claim, or what a cancel reads of the try it stops. */
export type TemplateRun = Pick<
  ClaimedTry,
  'dagId' | 'runId' | 'taskId' | 'tryNumber' | 'logicalDate' | 'dataIntervalStart' | 'dataIntervalEnd' | 'conf'
> &
  Partial<Pick<ClaimedTry, 'mapIndex' | 'mapItem'>>;

const PATTERN = /\{\{\s*([a-z_]+(?:\.[A-Za-z0-9_-]+)?)\s*\}\}/g;

export function templateValues(c: TemplateRun): Record<string, string> {
  const ds = c.logicalDate.toISOString().slice(0, 10);
  return {
    ds,
    ds_nodash: ds.replaceAll('-', ''),
    // The logical date's hour: an hourly run's partition (`hour=07`).
    hour: c.logicalDate.toISOString().slice(11, 13),
    logical_date: c.logicalDate.toISOString(),
    data_interval_start: c.dataIntervalStart.toISOString(),
    data_interval_end: c.dataIntervalEnd.toISOString(),
    run_id: c.runId,
    dag_id: c.dagId,
    task_id: c.taskId,
    try_number: String(c.tryNumber),
    ...((c.mapIndex ?? -1) >= 0 ? { map_index: String(c.mapIndex) } : {}),
  };
}

const asText = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** `{{ item }}` or `{{ item.<key> }}` of a mapped task's instance. */
function itemValue(name: string, claim: TemplateRun, where: string): string {
  if ((claim.mapIndex ?? -1) < 0)
    throw new NonRetryableError(`${where}: {{ ${name} }} — task "${claim.taskId}" is not mapped, so it has no item`);
  const item = claim.mapItem;
  if (name === 'item') return asText(item);
  const key = name.slice('item.'.length);
  const v =
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? (item as Record<string, unknown>)[key]
      : undefined;
  if (v === undefined)
    throw new NonRetryableError(
      `${where}: {{ ${name} }} — item ${claim.mapIndex} (${JSON.stringify(item)}) has no "${key}"`,
    );
  return asText(v);
}

/**
 * `{{ triggering.<key> }}`: every value of `key` in the events' metadata,
 * arrays flattened, each once in the order met, joined by commas. Null
 * events (a cancel, which reads no events) render as empty.
 */
export function triggeringValue(events: readonly AssetEventData[] | null, key: string, where: string): string {
  if (events === null) return '';
  const values = events.flatMap((e) => {
    const v = e.extra[key];
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
  });
  if (values.length === 0) {
    const which =
      events.length === 0 ? 'the run was not triggered by asset events' : `no triggering event has "${key}"`;
    throw new NonRetryableError(`${where}: {{ triggering.${key} }} — ${which}`);
  }
  const text = values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  return [...new Set(text)].join(',');
}

function renderString(
  text: string,
  values: Record<string, string>,
  claim: TemplateRun,
  where: string,
  events: readonly AssetEventData[] | null,
): string {
  const conf = claim.conf;
  return text.replace(PATTERN, (_match, name: string) => {
    if (name === 'item' || name.startsWith('item.')) return itemValue(name, claim, where);
    if (name.startsWith('triggering.')) return triggeringValue(events, name.slice('triggering.'.length), where);
    if (name.startsWith('conf.')) {
      const key = name.slice('conf.'.length);
      const v = conf[key];
      if (v === undefined) throw new NonRetryableError(`${where}: {{ ${name} }} — the run's conf has no "${key}"`);
      return typeof v === 'string' ? v : JSON.stringify(v);
    }
    const v = values[name];
    if (v === undefined) throw new NonRetryableError(`${where}: unknown template value {{ ${name} }}`);
    return v;
  });
}

/**
 * A copy of `options` with every template in every string rendered;
 * `events` are the run's triggering asset events (null: not read, and
 * `{{ triggering.… }}` renders empty).
 */
export function renderOptions(
  options: unknown,
  claim: TemplateRun,
  events: readonly AssetEventData[] | null = [],
  path = 'options',
): unknown {
  const values = templateValues(claim);
  const walk = (v: unknown, at: string): unknown => {
    if (typeof v === 'string') return renderString(v, values, claim, at, events);
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${at}[${i}]`));
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, `${at}.${k}`)]));
    }
    return v;
  };
  return walk(options, path);
}
