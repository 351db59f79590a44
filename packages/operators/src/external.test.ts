/** Markers: how a try names the external job it submits, and which earlier jobs it may adopt; what a wait is on. */
import { describe, expect, it } from 'vitest';
import { adoptableMarkers, describeWait, markerFor } from './external';

const run = { dagId: 'etl', runId: 'manual__2026-03-01', taskId: 'spark' };

describe('markerFor', () => {
  it('is the same for the same try on every call, and sluice- plus 20 hex digits', () => {
    expect(markerFor(run, 2)).toBe(markerFor({ ...run }, 2));
    expect(markerFor(run, 2)).toMatch(/^sluice-[0-9a-f]{20}$/);
  });

  it('differs for another try, task, run or DAG', () => {
    const markers = new Set([
      markerFor(run, 1),
      markerFor(run, 2),
      markerFor({ ...run, taskId: 'other' }, 1),
      markerFor({ ...run, runId: 'manual__2026-03-02' }, 1),
      markerFor({ ...run, dagId: 'etl2' }, 1),
    ]);
    expect(markers.size).toBe(5);
  });

  it('keeps the task id apart from the try number', () => {
    expect(markerFor({ dagId: 'a', runId: 'b', taskId: 'c1' }, 1)).not.toBe(
      markerFor({ dagId: 'a', runId: 'b', taskId: 'c' }, 11),
    );
  });

  it('gives each instance of a mapped task its own marker, and an unmapped task the marker it had before mapping', () => {
    // The marker of a try written before mapped tasks existed: a job it submitted is still adopted after an upgrade.
    expect(markerFor(run, 1)).toBe('sluice-675bd714ac474794cba2');
    expect(markerFor({ ...run, mapIndex: undefined }, 1)).toBe('sluice-675bd714ac474794cba2');
    expect(markerFor({ ...run, mapIndex: -1 }, 1)).toBe('sluice-675bd714ac474794cba2');
    const instances = [0, 1, 2].map((mapIndex) => markerFor({ ...run, mapIndex }, 1));
    expect(new Set([...instances, markerFor(run, 1)]).size).toBe(4);
    expect(markerFor({ ...run, mapIndex: 1 }, 1)).toBe(markerFor({ ...run, mapIndex: 1 }, 1));
  });
});

describe('adoptableMarkers', () => {
  it("lists earlier tries' markers, leaving out the try's own and those being cancelled, in order", () => {
    expect(adoptableMarkers({ marker: 'm3', taskMarkers: ['m1', 'm2', 'm3', 'm4'], cancelledMarkers: ['m2'] })).toEqual(
      ['m1', 'm4'],
    );
    expect(adoptableMarkers({ marker: 'm1', taskMarkers: ['m1'], cancelledMarkers: [] })).toEqual([]);
  });
});

describe('describeWait', () => {
  const ref = { type: 'emr.step', marker: 'sluice-1' };

  it('names each EMR step and its state', () => {
    const steps = [
      { stepId: 's-1', name: 'hive', state: 'COMPLETED' },
      { stepId: null, name: 'spark', state: 'RUNNING' },
    ];
    expect(describeWait({ ...ref, awsState: 'RUNNING', steps })).toBe('step s-1 COMPLETED, step spark RUNNING');
    expect(describeWait({ ...ref, steps: [{ stepId: null, name: null, state: null }] })).toBe('step ? UNKNOWN');
  });

  it('names submitted step ids with the state last seen before their states are known', () => {
    expect(describeWait({ ...ref, stepIds: ['s-1'], awsState: 'PENDING' })).toBe('step s-1 PENDING');
    expect(describeWait({ ...ref, stepIds: ['s-1', 's-2'] })).toBe('steps s-1, s-2 submitted');
  });

  it('names a Glue run, a crawler or a cluster, in that order of preference', () => {
    expect(
      describeWait({ type: 'glue.jobRun', marker: 'm', jobRunId: 'jr_1', clusterId: 'j-1', awsState: 'RUNNING' }),
    ).toBe('Glue run jr_1 RUNNING');
    expect(describeWait({ type: 'glue.crawl', marker: 'm', crawlerName: 'raw', clusterId: 'j-1' })).toBe(
      'crawler raw submitted',
    );
    expect(describeWait({ type: 'emr.cluster', marker: 'm', clusterId: 'j-1', awsState: 'STARTING' })).toBe(
      'cluster j-1 STARTING',
    );
  });

  it('passes over steps and step ids that are not what a job records', () => {
    expect(describeWait({ ...ref, steps: [null, 'x', ['s-1']], awsState: 'RUNNING' })).toBe('emr.step RUNNING');
    expect(describeWait({ ...ref, stepIds: ['s-1', 7, null] })).toBe('step s-1 submitted');
    expect(describeWait({ ...ref, stepIds: [7] })).toBe('emr.step submitted');
  });

  it('falls back to the kind of job and its state', () => {
    expect(describeWait({ type: 'pending', marker: 'm', jobRunId: '', steps: ['x'] })).toBe('pending submitted');
  });
});
