import { describe, expect, it } from 'vitest';
import {
  MAX_TRIGGERED_RUN_ID,
  crossDagVerdict,
  runVerdict,
  sensedLogicalDate,
  taskVerdict,
  triggeredRunId,
} from './cross-dag';

describe('triggeredRunId', () => {
  it('names the run after the triggering task instance, the same on every try', () => {
    const source = { dagId: 'team_a', runId: 'scheduled__2026-01-01T00:00:00.000Z', taskId: 'kick' };
    expect(triggeredRunId(source)).toBe('triggered__team_a__scheduled__2026-01-01T00:00:00.000Z__kick');
    expect(triggeredRunId({ ...source })).toBe(triggeredRunId(source));
  });

  it('keeps an id of exactly the limit as it is', () => {
    const taskId = 'x'.repeat(MAX_TRIGGERED_RUN_ID - 'triggered__d__r__'.length);
    const id = triggeredRunId({ dagId: 'd', runId: 'r', taskId });
    expect(id).toHaveLength(MAX_TRIGGERED_RUN_ID);
    expect(id.endsWith('xxxx')).toBe(true);
  });

  it('cuts a long id to the limit with a digest, so two long ids stay apart', () => {
    const long = (taskId: string) => triggeredRunId({ dagId: 'd', runId: 'r'.repeat(300), taskId });
    const a = long('a');
    const b = long('b');
    expect(a).toHaveLength(MAX_TRIGGERED_RUN_ID);
    expect(b).toHaveLength(MAX_TRIGGERED_RUN_ID);
    expect(a).not.toBe(b);
    expect(a.startsWith('triggered__d__rrrr')).toBe(true);
    expect(a).toMatch(/__[0-9a-f]{8}$/);
    expect(long('a')).toBe(a);
  });

  it('digests with FNV-1a', () => {
    const id = triggeredRunId({ dagId: 'd', runId: 'r'.repeat(300), taskId: 't' });
    // FNV-1a of the full id, computed independently.
    const full = `triggered__d__${'r'.repeat(300)}__t`;
    let h = 0x811c9dc5;
    for (const ch of full) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    expect(id.slice(-8)).toBe(h.toString(16).padStart(8, '0'));
    expect(id.slice(0, -10)).toBe(full.slice(0, MAX_TRIGGERED_RUN_ID - 10));
  });

  it('writes a small digest with leading zeros, so a cut id is always at the limit', () => {
    // FNV-1a of this id is 0x0f50bf90: seven hex digits unpadded.
    const id = triggeredRunId({ dagId: 'd', runId: 'r'.repeat(300), taskId: 't509' });
    expect(id).toHaveLength(MAX_TRIGGERED_RUN_ID);
    expect(id.slice(-10)).toBe('__0f50bf90');
  });
});

describe('sensedLogicalDate', () => {
  it('adds the offset to the run logical date', () => {
    const day = new Date('2026-03-02T00:00:00.000Z');
    expect(sensedLogicalDate(day, 0)).toEqual(day);
    expect(sensedLogicalDate(day, -3_600_000)).toEqual(new Date('2026-03-01T23:00:00.000Z'));
    expect(sensedLogicalDate(day, 86_400_000)).toEqual(new Date('2026-03-03T00:00:00.000Z'));
  });
});

describe('cross-DAG verdicts', () => {
  const what = 'run "r" of DAG "d"';

  it('waits for a run that does not exist yet or has not ended', () => {
    expect(runVerdict(what, null, ['success'], ['failed'])).toEqual({
      kind: 'waiting',
      reason: 'run "r" of DAG "d" does not exist yet',
    });
    expect(runVerdict(what, 'queued', ['success'], ['failed'])).toEqual({
      kind: 'waiting',
      reason: 'run "r" of DAG "d" is queued',
    });
    expect(runVerdict(what, 'running', ['success'], ['failed'])).toEqual({
      kind: 'waiting',
      reason: 'run "r" of DAG "d" is running',
    });
  });

  it('succeeds on an allowed state and fails on a failed one', () => {
    expect(runVerdict(what, 'success', ['success'], ['failed'])).toEqual({ kind: 'succeeded', state: 'success' });
    expect(runVerdict(what, 'failed', ['success'], ['failed'])).toEqual({
      kind: 'failed',
      reason: 'run "r" of DAG "d" ended failed',
    });
    expect(runVerdict(what, 'failed', ['success', 'failed'], [])).toEqual({ kind: 'succeeded', state: 'failed' });
  });

  it('keeps waiting on an end in neither list, saying so', () => {
    expect(runVerdict(what, 'failed', ['success'], [])).toEqual({
      kind: 'waiting',
      reason:
        'run "r" of DAG "d" ended failed, which is neither allowed (success) nor failed; waiting for it to be cleared',
    });
    expect(taskVerdict('task "t"', 'skipped', ['success', 'upstream_failed'], ['failed'])).toEqual({
      kind: 'waiting',
      reason:
        'task "t" ended skipped, which is neither allowed (success, upstream_failed) nor failed; waiting for it to be cleared',
    });
  });

  it('reads task states with the task state sets', () => {
    expect(taskVerdict('task "t"', 'up_for_retry', ['success'], ['failed'])).toEqual({
      kind: 'waiting',
      reason: 'task "t" is up_for_retry',
    });
    expect(taskVerdict('task "t"', 'upstream_failed', ['success'], ['failed', 'upstream_failed'])).toEqual({
      kind: 'failed',
      reason: 'task "t" ended upstream_failed',
    });
    expect(taskVerdict('task "t"', 'skipped', ['skipped'], [])).toEqual({ kind: 'succeeded', state: 'skipped' });
  });

  it('prefers allowed over failed when a state is in both', () => {
    expect(crossDagVerdict({ what: 'x', state: 'a', allowed: ['a'], failed: ['a'], terminal: () => true })).toEqual({
      kind: 'succeeded',
      state: 'a',
    });
  });
});
