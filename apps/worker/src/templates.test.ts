import { describe, expect, it } from 'vitest';
import type { ClaimedTry } from '@sluice/db';
import { renderOptions } from './templates';

const claim: ClaimedTry = {
  taskInstanceId: '00000000-0000-0000-0000-000000000001',
  dagRunId: '00000000-0000-0000-0000-000000000002',
  dagId: 'etl',
  taskId: 'hive',
  tryNumber: 2,
  maxTries: 3,
  operator: 'emr.addSteps',
  startedAt: new Date('2026-11-22T03:00:00Z'),
  runId: 'scheduled__2026-11-21T00:00:00.000Z',
  logicalDate: new Date('2026-11-21T00:00:00Z'),
  dataIntervalStart: new Date('2026-11-21T00:00:00Z'),
  dataIntervalEnd: new Date('2026-11-22T00:00:00Z'),
  conf: { day: '2026-11-20', n: 3 },
  mapIndex: -1,
  mapItem: null,
  dagVersionId: '00000000-0000-0000-0000-000000000003',
  runType: 'scheduled',
};

describe('operator option templates', () => {
  it('renders run values and conf keys in every string, leaving the rest alone', () => {
    const out = renderOptions(
      {
        steps: [{ name: 'x', args: ['-d', 'DT={{ ds }}', '{{ds_nodash}}', '{{ conf.day }}', 'n={{ conf.n }}'] }],
        count: 3,
        keep: null,
      },
      claim,
    );
    expect(out).toEqual({
      steps: [{ name: 'x', args: ['-d', 'DT=2026-11-21', '20261121', '2026-11-20', 'n=3'] }],
      count: 3,
      keep: null,
    });
  });

  it('names an unknown template value or missing conf key, with where it was', () => {
    expect(
      renderOptions({ p: 'dt={{ ds }}/hour={{ hour }}/' }, { ...claim, logicalDate: new Date('2026-11-21T07:00:00Z') }),
    ).toEqual({
      p: 'dt=2026-11-21/hour=07/',
    });
    expect(() => renderOptions({ a: ['{{ dss }}'] }, claim)).toThrow('options.a[0]: unknown template value {{ dss }}');
    expect(() => renderOptions({ b: '{{ conf.region }}' }, claim)).toThrow(
      `options.b: {{ conf.region }} — the run's conf has no "region"`,
    );
  });

  it("renders a mapped instance's item, a key of it and its index", () => {
    const mapped = { ...claim, mapIndex: 7, mapItem: { path: 's3://b/region=eu/', n: 2 } };
    expect(
      renderOptions(
        { args: ['--source', '{{ item.path }}', 'n={{ item.n }}', '#{{ map_index }}', '{{ item }}'] },
        mapped,
      ),
    ).toEqual({ args: ['--source', 's3://b/region=eu/', 'n=2', '#7', '{"path":"s3://b/region=eu/","n":2}'] });
    expect(renderOptions({ p: '--partition={{ item }}' }, { ...claim, mapIndex: 0, mapItem: 'dt=1' })).toEqual({
      p: '--partition=dt=1',
    });
  });

  it('says an unmapped task has no item, and names a key the item lacks', () => {
    expect(() => renderOptions({ a: '{{ item }}' }, claim)).toThrow(
      'options.a: {{ item }} — task "hive" is not mapped, so it has no item',
    );
    expect(() => renderOptions({ a: '{{ map_index }}' }, claim)).toThrow(
      'options.a: unknown template value {{ map_index }}',
    );
    expect(() => renderOptions({ a: '{{ item.region }}' }, { ...claim, mapIndex: 2, mapItem: { path: 'x' } })).toThrow(
      'options.a: {{ item.region }} — item 2 ({"path":"x"}) has no "region"',
    );
    expect(() => renderOptions({ a: '{{ item.region }}' }, { ...claim, mapIndex: 2, mapItem: 'eu' })).toThrow(
      'options.a: {{ item.region }} — item 2 ("eu") has no "region"',
    );
  });
});

describe('triggering templates', () => {
  const event = (extra: Record<string, unknown>) => ({
    id: 'e',
    uri: 's3://audience-events/raw/late/',
    extra,
    source: { kind: 'external' as const, actor: 'alice' },
    createdAt: '2026-11-22T00:00:00.000Z',
  });

  it('renders the values of a key across the triggering events, arrays flattened, each once', () => {
    const events = [event({ dates: ['2026-11-20', '2026-11-21'] }), event({ dates: '2026-11-20' }), event({ n: 3 })];
    expect(
      renderOptions({ args: ['--days', '{{ triggering.dates }}', 'n={{ triggering.n }}'] }, claim, events),
    ).toEqual({
      args: ['--days', '2026-11-20,2026-11-21', 'n=3'],
    });
  });

  it('names a key no event has, and a run no event triggered', () => {
    expect(() => renderOptions({ a: '{{ triggering.day }}' }, claim, [event({ dates: [] })])).toThrow(
      'options.a: {{ triggering.day }} — no triggering event has "day"',
    );
    expect(() => renderOptions({ a: '{{ triggering.day }}' }, claim)).toThrow(
      'options.a: {{ triggering.day }} — the run was not triggered by asset events',
    );
  });

  it('renders empty for a cancel, which reads no events', () => {
    expect(renderOptions({ a: 'x{{ triggering.day }}' }, claim, null)).toEqual({ a: 'x' });
  });
});
