/**
 * Run values in operator options, as Airflow's `{{ ds }}`: every string in
 * an EMR/Glue/S3 task's options may use `{{ ds }}`, `{{ ds_nodash }}`, `{{ hour }}` (UTC, `00`–`23`),
 * `{{ logical_date }}`, `{{ data_interval_start }}`, `{{ data_interval_end }}`,
 * `{{ run_id }}`, `{{ dag_id }}`, `{{ task_id }}`, `{{ try_number }}`,
 * `{{ conf.<key> }}` and, in an asset-triggered run, `{{ triggering.<key> }}`:
 * the values of `<key>` in its triggering events' metadata (arrays
 * flattened), each once, comma-separated (`2026-11-20,2026-11-21`). An
 * unknown name is an error naming it, not an empty string.
 */
import { NonRetryableError } from '@sluice/core';
import type { AssetEventData } from '@sluice/core';
import type { ClaimedTry } from '@sluice/db';

/** What a template reads of a try: its claim, or what a cancel reads of the try it stops. */
export type TemplateRun = Pick<
  ClaimedTry,
  'dagId' | 'runId' | 'taskId' | 'tryNumber' | 'logicalDate' | 'dataIntervalStart' | 'dataIntervalEnd' | 'conf'
>;

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
  };
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
  conf: Record<string, unknown>,
  where: string,
  events: readonly AssetEventData[] | null,
): string {
  return text.replace(PATTERN, (_match, name: string) => {
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
    if (typeof v === 'string') return renderString(v, values, claim.conf, at, events);
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${at}[${i}]`));
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, `${at}.${k}`)]));
    }
    return v;
  };
  return walk(options, path);
}
