/**
 * The job catalog: payloads are checked on the way out of Redis, and job ids
 * are built so that the same try (or check, or cancel attempt) always gets
 * the same id and different ones never share it.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { isJobName, jobCatalog, parseJob, taskCancelJobId, taskCheckJobId, taskRunJobId } from './jobs';

const id = randomUUID();

describe('parseJob', () => {
  it('returns a valid payload as it came', () => {
    expect(parseJob('task.run', { taskInstanceId: id, tryNumber: 2 })).toEqual({ taskInstanceId: id, tryNumber: 2 });
    expect(parseJob('task.check', { taskInstanceId: id, tryNumber: 1, dueAt: 0 })).toEqual({
      taskInstanceId: id,
      tryNumber: 1,
      dueAt: 0,
    });
    expect(parseJob('task.cancel', { taskInstanceId: id, tryNumber: 1 })).toEqual({ taskInstanceId: id, tryNumber: 1 });
  });

  it('refuses a task instance id that is not a UUID, naming the field', () => {
    expect(() => parseJob('task.run', { taskInstanceId: 'ti-1', tryNumber: 1 })).toThrow(ZodError);
    expect(() => parseJob('task.run', { taskInstanceId: 'ti-1', tryNumber: 1 })).toThrow(/taskInstanceId/);
  });

  it('refuses a try number that is not a positive integer', () => {
    for (const tryNumber of [0, -1, 1.5, '1']) {
      expect(() => parseJob('task.run', { taskInstanceId: id, tryNumber }), String(tryNumber)).toThrow(/tryNumber/);
    }
  });

  it('needs a check to say when it was planned, and accepts a cancel without it', () => {
    expect(() => parseJob('task.check', { taskInstanceId: id, tryNumber: 1 })).toThrow(/dueAt/);
    expect(() => parseJob('task.check', { taskInstanceId: id, tryNumber: 1, dueAt: -5 })).toThrow(/dueAt/);
    expect(() => parseJob('task.cancel', { taskInstanceId: id, tryNumber: 1, dueAt: 1.5 })).toThrow(/dueAt/);
  });
});

describe('isJobName', () => {
  it('knows exactly the names in the catalog', () => {
    for (const name of Object.keys(jobCatalog)) expect(isJobName(name), name).toBe(true);
    expect(isJobName('task.retry')).toBe(false);
    expect(isJobName('toString')).toBe(false);
    expect(isJobName('')).toBe(false);
  });
});

describe('job ids', () => {
  it('name a run job after its task instance and try, joined with _ (BullMQ rejects :)', () => {
    expect(taskRunJobId({ taskInstanceId: id, tryNumber: 3 })).toBe(`run_${id}_3`);
  });

  it('name a check after the time it was planned for, so each check of a try is its own job', () => {
    expect(taskCheckJobId({ taskInstanceId: id, tryNumber: 1, dueAt: 1_700_000_000_000 })).toBe(
      `check_${id}_1_1700000000000`,
    );
    expect(taskCheckJobId({ taskInstanceId: id, tryNumber: 1, dueAt: 1 })).not.toBe(
      taskCheckJobId({ taskInstanceId: id, tryNumber: 1, dueAt: 2 }),
    );
  });

  it('name the first cancel attempt with 0 and a later one with its due time', () => {
    expect(taskCancelJobId({ taskInstanceId: id, tryNumber: 2 })).toBe(`cancel_${id}_2_0`);
    expect(taskCancelJobId({ taskInstanceId: id, tryNumber: 2, dueAt: 42 })).toBe(`cancel_${id}_2_42`);
  });

  it('never give two kinds of job the same id for one try', () => {
    const ids = new Set([
      taskRunJobId({ taskInstanceId: id, tryNumber: 1 }),
      taskCheckJobId({ taskInstanceId: id, tryNumber: 1, dueAt: 0 }),
      taskCancelJobId({ taskInstanceId: id, tryNumber: 1 }),
    ]);
    expect(ids.size).toBe(3);
  });
});
