import { ApiError } from '@sluice/client';
import { describe, expect, it } from 'vitest';
import { errorMessage, isNotFound, queryKeys } from './api';

describe('errorMessage', () => {
  it("gives the API's message with each field issue, and (body) for an issue of the whole body", () => {
    const err = new ApiError(400, 'bad_request', 'Invalid request body', [
      { path: 'conf.date', message: 'Expected string' },
      { path: '', message: 'Unrecognized key "x"' },
    ]);
    expect(errorMessage(err)).toBe('Invalid request body (conf.date: Expected string; (body): Unrecognized key "x")');
  });

  it("gives the API's message alone when it lists no issues", () => {
    expect(errorMessage(new ApiError(409, 'conflict', 'the run is still running', []))).toBe(
      'the run is still running',
    );
    expect(errorMessage(new ApiError(500, 'internal', 'boom'))).toBe('boom');
  });

  it('gives the message of any other error, and the text of anything else thrown', () => {
    expect(errorMessage(new TypeError('fetch failed'))).toBe('fetch failed');
    expect(errorMessage('plain')).toBe('plain');
  });
});

describe('isNotFound', () => {
  it('is true only for an API 404', () => {
    expect(isNotFound(new ApiError(404, 'not_found', 'no such DAG'))).toBe(true);
    expect(isNotFound(new ApiError(400, 'bad_request', 'no'))).toBe(false);
    expect(isNotFound(new Error('404'))).toBe(false);
  });
});

describe('queryKeys', () => {
  it("nests a DAG's grid, runs and task instances under its key, so invalidating the DAG refreshes them", () => {
    const dag = queryKeys.dag('etl');
    for (const key of [queryKeys.grid('etl', 25), queryKeys.run('etl', 'r1'), queryKeys.taskInstance('etl', 'r1', 't')])
      expect(key.slice(0, dag.length)).toEqual([...dag]);
    expect(queryKeys.dagList({ tag: 'x' }).slice(0, 1)).toEqual([...queryKeys.allDagLists()]);
  });
});
