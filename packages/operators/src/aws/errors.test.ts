/**
 * What an AWS error means for a try, without AWS: which errors are AWS's or
 * the network's at all, transient or permanent, and what `settle` and
 * `rethrowForCancel` turn each into.
 */
import { describe, expect, it } from 'vitest';
import type { ExternalRef, ExternalStatus } from '../external';
import { TransientAwsError, classifyAwsError, isAwsError, rejectedBy, rethrowForCancel, settle } from './errors';

const ref: ExternalRef = { type: 'glue.jobRun', marker: 'sluice-1', jobRunId: 'jr_1' };
const aws = (name: string, status: number, message = 'AWS says no') =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
const network = (code: string) => Object.assign(new Error('socket hang up'), { code });
const succeeded: ExternalStatus = { state: 'succeeded', ref };

describe('isAwsError', () => {
  it('knows an AWS answer, a server fault, a network code and a timeout by name', () => {
    expect(isAwsError(aws('ValidationException', 400))).toBe(true);
    expect(isAwsError({ $fault: 'server' })).toBe(true);
    expect(isAwsError(network('ECONNREFUSED'))).toBe(true);
    expect(isAwsError(Object.assign(new Error('t'), { name: 'TimeoutError' }))).toBe(true);
  });

  it('takes a bug for a bug', () => {
    expect(isAwsError(new TypeError('x is undefined'))).toBe(false);
    expect(isAwsError(network('ENOENT'))).toBe(false);
    expect(isAwsError('ValidationException')).toBe(false);
    expect(isAwsError(null)).toBe(false);
  });
});

describe('classifyAwsError', () => {
  it('treats 500 and above and 429 as transient, and 499 as permanent', () => {
    expect(classifyAwsError(aws('X', 500)).transient).toBe(true);
    expect(classifyAwsError(aws('X', 429)).transient).toBe(true);
    expect(classifyAwsError(aws('X', 499)).transient).toBe(false);
  });

  it('treats a server fault without a status as transient, and a client fault as permanent', () => {
    expect(classifyAwsError({ name: 'X', message: 'm', $fault: 'server' }).transient).toBe(true);
    expect(
      classifyAwsError({ name: 'X', message: 'm', $fault: 'server', $metadata: { httpStatusCode: 400 } }).transient,
    ).toBe(false);
    expect(classifyAwsError({ name: 'X', message: 'm', $fault: 'client' }).transient).toBe(false);
  });

  it("names a plain Error by its code, and falls back to the error's text for a missing message", () => {
    expect(classifyAwsError(network('ETIMEDOUT'))).toEqual({
      transient: true,
      name: 'ETIMEDOUT',
      message: 'socket hang up',
    });
    expect(classifyAwsError(new Error('plain'))).toEqual({ transient: false, name: 'Error', message: 'plain' });
    expect(classifyAwsError({ name: 'Odd', message: '' })).toEqual({
      transient: false,
      name: 'Odd',
      message: '[object Object]',
    });
    expect(classifyAwsError('text')).toEqual({ transient: false, name: 'Error', message: 'text' });
  });
});

describe('rejectedBy', () => {
  it("fails the try for good with AWS's code and message and the ref submitted", () => {
    expect(rejectedBy(ref, aws('AccessDeniedException', 403, 'not allowed'))).toEqual({
      state: 'failed',
      ref,
      retryable: false,
      error: { name: 'AccessDeniedException', message: 'not allowed' },
    });
  });
});

describe('settle', () => {
  it('returns what the step returned', async () => {
    expect(
      await settle(
        () => ref,
        undefined,
        async () => succeeded,
      ),
    ).toBe(succeeded);
  });

  it('turns a transient AWS error into TransientAwsError, keeping the cause', async () => {
    const raw = aws('ThrottlingException', 400, 'slow down');
    const thrown = await settle(
      () => ref,
      undefined,
      () => Promise.reject(raw),
    ).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(TransientAwsError);
    expect(thrown).toMatchObject({
      awsName: 'ThrottlingException',
      message: 'ThrottlingException: slow down',
      cause: raw,
    });
  });

  it('returns a permanent AWS error as failed, with the ref as it is when the error came', async () => {
    let current: ExternalRef = ref;
    const status = await settle(
      () => current,
      undefined,
      async () => {
        current = { ...ref, submitted: true };
        throw aws('ValidationException', 400, 'bad job');
      },
    );
    expect(status).toEqual({
      state: 'failed',
      ref: { ...ref, submitted: true },
      retryable: false,
      error: { name: 'ValidationException', message: 'bad job' },
    });
  });

  it('rethrows a bug, a TransientAwsError and anything once the signal aborted', async () => {
    const bug = new TypeError('x is undefined');
    await expect(
      settle(
        () => ref,
        undefined,
        () => Promise.reject(bug),
      ),
    ).rejects.toBe(bug);
    const transient = new TransientAwsError('Throttling', 'later');
    await expect(
      settle(
        () => ref,
        undefined,
        () => Promise.reject(transient),
      ),
    ).rejects.toBe(transient);
    const controller = new AbortController();
    controller.abort();
    const denied = aws('AccessDenied', 403);
    await expect(
      settle(
        () => ref,
        controller.signal,
        () => Promise.reject(denied),
      ),
    ).rejects.toBe(denied);
  });
});

describe('rethrowForCancel', () => {
  it('turns a transient AWS error into TransientAwsError and rethrows everything else as it was', () => {
    expect(() => rethrowForCancel(aws('ServiceUnavailable', 503, 'busy'))).toThrow(
      new TransientAwsError('ServiceUnavailable', 'busy'),
    );
    const permanent = aws('ResourceNotFoundException', 400);
    expect(() => rethrowForCancel(permanent)).toThrow(permanent);
    const bug = new RangeError('bad');
    expect(() => rethrowForCancel(bug)).toThrow(bug);
    const transient = new TransientAwsError('Throttling', 'later');
    expect(() => rethrowForCancel(transient)).toThrow(transient);
  });
});
