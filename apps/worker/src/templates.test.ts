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
