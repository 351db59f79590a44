import { describe, expect, it } from 'vitest';
import type { ApiCall } from '@sluice/aws-emulator';
import { markersOfCall, submissionsPerMarker } from './external';

const m1 = 'sluice-0123456789abcdef0123';
const m2 = 'sluice-fedcba9876543210fedc';
const call = (operation: string, input: unknown, status = 200): ApiCall => ({
  at: 0,
  service: 'emr',
  operation,
  input,
  status,
  errorCode: undefined,
});

describe('external submissions', () => {
  it('reads the marker of steps, clusters and Glue runs, and ignores failed calls', () => {
    expect(markersOfCall(call('AddJobFlowSteps', { Steps: [{ Name: `a [${m1}]` }, { Name: `b [${m1}]` }] }))).toEqual([
      m1,
    ]);
    expect(markersOfCall(call('RunJobFlow', { Name: `c [${m2}]` }))).toEqual([m2]);
    expect(markersOfCall(call('StartJobRun', { JobName: 'j', Arguments: { '--sluice-marker': m2 } }))).toEqual([m2]);
    expect(markersOfCall(call('AddJobFlowSteps', { Steps: [{ Name: `a [${m1}]` }] }, 500))).toEqual([]);
  });

  it('counts submissions per marker and lists those above one', () => {
    const s = submissionsPerMarker([
      call('AddJobFlowSteps', { Steps: [{ Name: `a [${m1}]` }] }),
      call('AddJobFlowSteps', { Steps: [{ Name: `a [${m1}]` }] }),
      call('AddJobFlowSteps', { Steps: [{ Name: `a [${m2}]` }] }),
    ]);
    expect(s).toMatchObject({ markers: 2, max: 2, over: [{ key: `AddJobFlowSteps ${m1}`, count: 2 }] });
  });
});
