import { describe, expect, it } from 'vitest';
import { jobErrorLevel } from './job-errors';

describe('jobErrorLevel', () => {
  it('keeps BullMQ lock races out of the error level and everything else in it', () => {
    expect(jobErrorLevel(new Error('Missing lock for job run_1_1. moveToFinished'))).toBe('debug');
    expect(jobErrorLevel(new Error('could not renew lock for job run_1_1'))).toBe('debug');
    expect(jobErrorLevel(new Error('Lock mismatch for job run_1_1. Cmd moveToFinished from active'))).toBe('debug');
    expect(jobErrorLevel(new Error('connect ECONNREFUSED 127.0.0.1:5432'))).toBe('error');
  });
});
