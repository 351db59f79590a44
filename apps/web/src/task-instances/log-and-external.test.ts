/** Finding things in a log, and reading an EMR or Glue job's facts for people. */
import type { LogLine } from '@sluice/client';
import { describe, expect, it } from 'vitest';
import { readExternalJob } from './external-job';
import { findMatches, firstErrorLine, splitByQuery } from './log-search';

const line = (text: string, stream: LogLine['stream'] = 'stdout', seq = 1): LogLine => ({
  seq,
  stream,
  at: '2026-12-06T09:00:00.000Z',
  text,
});

describe('log search', () => {
  const lines = [line('Reading rows'), line('rows: 10, ROWS kept'), line('done')];

  it('finds every occurrence in order, whatever the case, and nothing for an empty query', () => {
    expect(findMatches(lines, 'rows')).toEqual([
      { line: 0, start: 8 },
      { line: 1, start: 0 },
      { line: 1, start: 10 },
    ]);
    expect(findMatches(lines, '')).toEqual([]);
  });

  it('splits a line around its matches for highlighting, keeping the original case', () => {
    expect(splitByQuery('rows: 10, ROWS kept', 'rows')).toEqual([
      { text: 'rows', match: true },
      { text: ': 10, ', match: false },
      { text: 'ROWS', match: true },
      { text: ' kept', match: false },
    ]);
    expect(splitByQuery('abc', '')).toEqual([{ text: 'abc', match: false }]);
  });

  it('jumps to the first line reporting an error, else the first on stderr', () => {
    expect(
      firstErrorLine([line('mirror ok'), line('warn', 'stderr'), line('Traceback (most recent call last):')]),
    ).toBe(2);
    expect(firstErrorLine([line('ok'), line('disk full', 'stderr')])).toBe(1);
    expect(firstErrorLine([line('errorless run')])).toBeNull();
  });
});

describe('readExternalJob', () => {
  it('labels an EMR job’s cluster, steps and reasons, and leaves out the bookkeeping', () => {
    const job = readExternalJob({
      type: 'emr.step',
      marker: 'sluice-0123',
      phase: 'submitted',
      intentAt: '2026-12-06T09:00:00Z',
      clusterId: 'j-1',
      region: 'eu-west-1',
      awsState: 'FAILED',
      steps: [{ stepId: 's-1', name: 'spark [sluice-0123abcd]', state: 'FAILED', reason: 'OutOfMemory: killed' }],
    });
    expect(job.kind).toBe('EMR steps');
    expect(job.state).toBe('FAILED');
    expect(job.fields.map((f) => [f.label, f.value])).toEqual([
      ['Cluster', 'j-1'],
      ['Region', 'eu-west-1'],
    ]);
    expect(job.steps).toEqual([{ id: 's-1', name: 'spark', state: 'FAILED', reason: 'OutOfMemory: killed' }]);
    expect(JSON.stringify(job)).not.toMatch(/marker|phase|submitted|intent/);
    expect(job.consoleUrl).toBeNull();
  });

  it('shows a Glue run’s id, DPU-seconds and a cost estimate, and its console link', () => {
    const job = readExternalJob({
      type: 'glue.jobRun',
      jobName: 'hourly',
      jobRunId: 'jr_1',
      awsState: 'SUCCEEDED',
      executionTimeSeconds: 120,
      dpuSeconds: 7200,
      consoleUrl: 'https://eu-west-1.console.aws.amazon.com/gluestudio/x',
    });
    expect(job.fields.map((f) => [f.label, f.value])).toEqual([
      ['Glue job', 'hourly'],
      ['Glue run id', 'jr_1'],
      ['Execution time', '120 s'],
      ['DPU-seconds', '7200'],
      ['Cost estimate', '$0.88 at $0.44 per DPU-hour'],
    ]);
    expect(job.consoleUrl).toBe('https://eu-west-1.console.aws.amazon.com/gluestudio/x');
  });

  it('lists submitted step ids before their states are known', () => {
    expect(readExternalJob({ type: 'emr.step', stepIds: ['s-1', 's-2'] }).steps.map((s) => s.id)).toEqual([
      's-1',
      's-2',
    ]);
  });
});
