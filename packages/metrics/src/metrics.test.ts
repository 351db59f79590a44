import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BoundedLabels, createMetrics } from './metrics';
import { probe } from './ops-server';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

async function registeredNames(): Promise<Set<string>> {
  const m = createMetrics({ component: 'worker' });
  return new Set((await m.registry.getMetricsAsJSON()).map((x) => x.name));
}

describe('metrics', () => {
  it('the Grafana dashboard and the alert rules use only metrics Sluice serves', async () => {
    const names = await registeredNames();
    for (const file of ['deploy/grafana/sluice-dashboard.json', 'deploy/prometheus/sluice-alerts.yml']) {
      const text = await readFile(path.join(repoRoot, file), 'utf8');
      const used = new Set(
        [...text.matchAll(/\bsluice_[a-z_]+/g)].map((x) => x[0].replace(/_(bucket|sum|count)$/, '')),
      );
      expect(used.size, file).toBeGreaterThan(5);
      for (const name of used) expect(names.has(name), `${name} in ${file}`).toBe(true);
    }
  });

  it('counts task durations of DAG/task pairs past the limit under _other', async () => {
    const m = createMetrics({ component: 'worker', maxTaskSeries: 2 });
    for (const taskId of ['a', 'b', 'c', 'd']) m.tryEnded({ dagId: 'etl', taskId, outcome: 'success', seconds: 1 });
    const text = await m.registry.metrics();
    const series = text
      .split('\n')
      .filter((l) => l.startsWith('sluice_task_duration_seconds_count'))
      .map((l) => /task_id="([^"]+)"/.exec(l)?.[1]);
    expect(series.sort()).toEqual(['_other', 'a', 'b']);
    expect(new BoundedLabels(1).pair('x', 'y')).toEqual(['x', 'y']);
  });
});

describe('probe', () => {
  it('says ok when the check answers, down when it throws or answers no', async () => {
    expect(await probe(async () => ({ rows: [] }))).toBe('ok');
    expect(await probe(async () => true)).toBe('ok');
    expect(await probe(async () => false)).toBe('down');
    expect(
      await probe(async () => {
        throw new Error('ECONNREFUSED');
      }),
    ).toBe('down');
  });
});
