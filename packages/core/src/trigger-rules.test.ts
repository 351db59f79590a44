import { describe, expect, it } from 'vitest';
import { TriggerRule } from './dag-spec';
import { taskInstanceStates, isTerminalTaskState, type TaskInstanceState } from './states';
import { evaluateTriggerRule, successDecidesEarly, type TriggerOutcome } from './trigger-rules';

type Case = [rule: TriggerRule, upstream: TaskInstanceState[], outcome: TriggerOutcome];

const cases: Case[] = [
  // all_success: runs when every upstream succeeded; a failure fails it and a skip skips it at once.
  ['all_success', ['success', 'success'], 'run'],
  ['all_success', ['success', 'running'], 'wait'],
  ['all_success', ['success', 'up_for_retry'], 'wait'],
  ['all_success', ['success', 'failed'], 'upstream_failed'],
  ['all_success', ['running', 'failed'], 'upstream_failed'],
  ['all_success', ['success', 'upstream_failed'], 'upstream_failed'],
  ['all_success', ['success', 'skipped'], 'skip'],
  ['all_success', ['running', 'skipped'], 'skip'],
  ['all_success', ['skipped', 'failed'], 'upstream_failed'],

  // all_failed: runs when every upstream failed (upstream_failed counts); any success or skip skips it.
  ['all_failed', ['failed', 'failed'], 'run'],
  ['all_failed', ['failed', 'upstream_failed'], 'run'],
  ['all_failed', ['failed', 'running'], 'wait'],
  ['all_failed', ['failed', 'success'], 'skip'],
  ['all_failed', ['running', 'success'], 'skip'],
  ['all_failed', ['failed', 'skipped'], 'skip'],

  // all_done: runs when every upstream is terminal, whatever the outcome.
  ['all_done', ['success', 'failed', 'skipped', 'upstream_failed'], 'run'],
  ['all_done', ['success', 'queued'], 'wait'],
  ['all_done', ['failed', 'up_for_retry'], 'wait'],
  ['all_done', ['success', 'deferred'], 'wait'],

  // one_success: runs on the first success; when all are done without one, fails or skips.
  ['one_success', ['success', 'running'], 'run'],
  ['one_success', ['success', 'failed'], 'run'],
  ['one_success', ['none', 'scheduled'], 'wait'],
  ['one_success', ['failed', 'running'], 'wait'],
  ['one_success', ['failed', 'skipped'], 'upstream_failed'],
  ['one_success', ['upstream_failed', 'upstream_failed'], 'upstream_failed'],
  ['one_success', ['skipped', 'skipped'], 'skip'],

  // one_failed: runs on the first failure; when all are done without one, skips.
  ['one_failed', ['failed', 'running'], 'run'],
  ['one_failed', ['upstream_failed', 'none'], 'run'],
  ['one_failed', ['success', 'running'], 'wait'],
  ['one_failed', ['success', 'success'], 'skip'],
  ['one_failed', ['success', 'skipped'], 'skip'],

  // none_failed: runs when all are done and none failed; skips count as fine.
  ['none_failed', ['success', 'skipped'], 'run'],
  ['none_failed', ['skipped', 'skipped'], 'run'],
  ['none_failed', ['success', 'running'], 'wait'],
  ['none_failed', ['failed', 'running'], 'upstream_failed'],
  ['none_failed', ['upstream_failed', 'success'], 'upstream_failed'],

  // none_failed_min_one_success: as none_failed, but needs a success; all skipped → skipped.
  ['none_failed_min_one_success', ['success', 'skipped'], 'run'],
  ['none_failed_min_one_success', ['success', 'success'], 'run'],
  ['none_failed_min_one_success', ['skipped', 'skipped'], 'skip'],
  ['none_failed_min_one_success', ['skipped', 'running'], 'wait'],
  ['none_failed_min_one_success', ['success', 'queued'], 'wait'],
  ['none_failed_min_one_success', ['failed', 'success'], 'upstream_failed'],
  ['none_failed_min_one_success', ['upstream_failed', 'running'], 'upstream_failed'],

  // none_skipped: runs when every upstream finished and none was skipped; a skip skips it at once.
  ['none_skipped', ['success', 'failed'], 'run'],
  ['none_skipped', ['success', 'upstream_failed'], 'run'],
  ['none_skipped', ['success', 'running'], 'wait'],
  ['none_skipped', ['running', 'skipped'], 'skip'],
  ['none_skipped', ['failed', 'skipped'], 'skip'],

  // all_skipped: runs when every upstream was skipped; anything else finishing skips it.
  ['all_skipped', ['skipped', 'skipped'], 'run'],
  ['all_skipped', ['skipped', 'running'], 'wait'],
  ['all_skipped', ['skipped', 'success'], 'skip'],
  ['all_skipped', ['running', 'failed'], 'skip'],
  ['all_skipped', ['skipped', 'upstream_failed'], 'skip'],

  // one_done: runs as soon as one upstream succeeded or failed; skipped when none did.
  ['one_done', ['success', 'running'], 'run'],
  ['one_done', ['failed', 'queued'], 'run'],
  ['one_done', ['skipped', 'running'], 'wait'],
  ['one_done', ['skipped', 'upstream_failed'], 'skip'],
  ['one_done', ['skipped', 'skipped'], 'skip'],

  // all_done_min_one_success: every upstream finished and one succeeded, whatever the others did.
  ['all_done_min_one_success', ['success', 'failed'], 'run'],
  ['all_done_min_one_success', ['success', 'skipped'], 'run'],
  ['all_done_min_one_success', ['success', 'running'], 'wait'],
  ['all_done_min_one_success', ['failed', 'running'], 'wait'],
  ['all_done_min_one_success', ['failed', 'skipped'], 'upstream_failed'],
  ['all_done_min_one_success', ['skipped', 'skipped'], 'skip'],

  // all_done_setup_success (teardowns): every upstream finished; without a setup among them, runs.
  ['all_done_setup_success', ['success', 'failed'], 'run'],
  ['all_done_setup_success', ['failed', 'running'], 'wait'],

  // always: runs at once, even with upstream tasks still going.
  ['always', ['running', 'none'], 'run'],
  ['always', ['failed', 'upstream_failed'], 'run'],
];

describe('evaluateTriggerRule', () => {
  it.each(cases)('%s with upstream [%s] → %s', (rule, upstream, outcome) => {
    expect(evaluateTriggerRule(rule, upstream).outcome).toBe(outcome);
  });

  it('the table covers every rule', () => {
    for (const rule of TriggerRule.options) {
      expect(
        cases.some(([r]) => r === rule),
        rule,
      ).toBe(true);
    }
  });

  it.each(TriggerRule.options)('%s runs a task that has no upstream tasks', (rule) => {
    expect(evaluateTriggerRule(rule, [])).toEqual({ outcome: 'run', reason: 'the task has no upstream tasks' });
  });

  it('waits only while some upstream task is not terminal, for every rule and every pair of states', () => {
    for (const rule of TriggerRule.options) {
      for (const a of taskInstanceStates) {
        for (const b of taskInstanceStates) {
          const { outcome } = evaluateTriggerRule(rule, [a, b]);
          if (isTerminalTaskState(a) && isTerminalTaskState(b))
            expect(outcome, `${rule} [${a}, ${b}]`).not.toBe('wait');
        }
      }
    }
  });

  it('treats none, scheduled, queued, running, deferred and up_for_retry all as not done yet', () => {
    for (const state of ['none', 'scheduled', 'queued', 'running', 'deferred', 'up_for_retry'] as const) {
      expect(evaluateTriggerRule('all_done', ['success', state]).outcome, state).toBe('wait');
    }
  });
});

describe('all_done_setup_success', () => {
  const up = (taskId: string, state: TaskInstanceState, setup = false) => ({ taskId, state, setup });
  const rule = 'all_done_setup_success';

  it('runs once every upstream finished when a setup succeeded, whatever the work did', () => {
    expect(evaluateTriggerRule(rule, [up('create', 'success', true), up('work', 'failed')])).toEqual({
      outcome: 'run',
      reason: 'all 2 upstream tasks finished; 1 upstream setup task succeeded: create',
    });
  });

  it('runs when one of two setups succeeded', () => {
    const upstream = [up('a', 'failed', true), up('b', 'success', true), up('work', 'upstream_failed')];
    expect(evaluateTriggerRule(rule, upstream).outcome).toBe('run');
  });

  it('waits for the work even when the setup succeeded', () => {
    expect(evaluateTriggerRule(rule, [up('create', 'success', true), up('work', 'running')])).toEqual({
      outcome: 'wait',
      reason: 'waiting for 1 upstream task: work',
    });
  });

  it('is skipped when every setup was skipped', () => {
    expect(evaluateTriggerRule(rule, [up('create', 'skipped', true), up('work', 'skipped')])).toEqual({
      outcome: 'skip',
      reason: '1 upstream setup task skipped: create (all_done_setup_success)',
    });
  });

  it('is upstream_failed when no setup succeeded and one did not run', () => {
    const upstream = [up('a', 'failed', true), up('b', 'skipped', true), up('work', 'upstream_failed')];
    expect(evaluateTriggerRule(rule, upstream)).toEqual({
      outcome: 'upstream_failed',
      reason: 'no setup task succeeded: a, b (all_done_setup_success)',
    });
  });

  it('runs without a setup upstream once all finished', () => {
    expect(evaluateTriggerRule(rule, [up('work', 'failed')])).toEqual({
      outcome: 'run',
      reason: 'the upstream task finished',
    });
  });
});

describe('successDecidesEarly', () => {
  it('is false exactly for the rules one more success cannot decide while another upstream is unfinished', () => {
    // Checked against the rules themselves: a success beside a running upstream decides (not "wait") or not.
    for (const rule of TriggerRule.options) {
      const decided = evaluateTriggerRule(rule, ['success', 'running']).outcome !== 'wait';
      expect(successDecidesEarly(rule), rule).toBe(decided);
    }
  });
});

describe('trigger rule reasons', () => {
  const up = (taskId: string, state: TaskInstanceState) => ({ taskId, state });

  it('names the upstream tasks still running', () => {
    const result = evaluateTriggerRule('all_success', [
      up('extract', 'running'),
      up('clean', 'queued'),
      up('a', 'success'),
    ]);
    expect(result).toEqual({ outcome: 'wait', reason: 'waiting for 2 upstream tasks: extract, clean' });
  });

  it('counts instead of naming when given bare states', () => {
    expect(evaluateTriggerRule('all_done', ['running', 'success']).reason).toBe('waiting for 1 upstream task');
  });

  it('names failed upstream tasks and the rule that made the task fail', () => {
    expect(evaluateTriggerRule('all_success', [up('load', 'failed'), up('copy', 'upstream_failed')]).reason).toBe(
      '2 upstream tasks failed: load, copy (all_success)',
    );
  });

  it('says which upstream task was skipped', () => {
    expect(evaluateTriggerRule('all_success', [up('branch_a', 'skipped'), up('b', 'success')]).reason).toBe(
      '1 upstream task skipped: branch_a (all_success)',
    );
  });

  it('says all were skipped for one_success', () => {
    expect(evaluateTriggerRule('one_success', [up('a', 'skipped'), up('b', 'skipped')]).reason).toBe(
      'all 2 upstream tasks were skipped (one_success)',
    );
  });

  it('says when a single upstream task succeeded', () => {
    expect(evaluateTriggerRule('all_success', [up('a', 'success')]).reason).toBe('the upstream task succeeded');
  });

  it('names at most five tasks', () => {
    const many = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((id) => up(id, 'running'));
    expect(evaluateTriggerRule('all_done', many).reason).toBe('waiting for 7 upstream tasks: a, b, c, d, e and 2 more');
  });
});

describe('the reason each rule gives', () => {
  const up = (taskId: string, state: TaskInstanceState) => ({ taskId, state });
  const cases: Array<[TriggerRule, Array<{ taskId: string; state: TaskInstanceState }>, string, string]> = [
    ['all_success', [up('a', 'success'), up('b', 'success')], 'run', 'all 2 upstream tasks succeeded'],
    [
      'all_failed',
      [up('a', 'success'), up('b', 'skipped'), up('c', 'failed')],
      'skip',
      '2 upstream tasks did not fail: a, b (all_failed)',
    ],
    ['all_failed', [up('a', 'failed'), up('b', 'upstream_failed')], 'run', 'all 2 upstream tasks failed'],
    ['all_done', [up('a', 'failed')], 'run', 'the upstream task finished'],
    ['one_success', [up('a', 'success'), up('b', 'running')], 'run', '1 upstream task succeeded: a'],
    ['one_success', [up('a', 'skipped')], 'skip', 'the upstream task was skipped (one_success)'],
    [
      'one_success',
      [up('a', 'failed'), up('b', 'skipped')],
      'upstream_failed',
      'no upstream task succeeded; 1 upstream task failed: a (one_success)',
    ],
    ['one_failed', [up('a', 'upstream_failed'), up('b', 'running')], 'run', '1 upstream task failed: a'],
    ['one_failed', [up('a', 'success')], 'skip', 'no upstream task failed (one_failed)'],
    ['none_failed', [up('a', 'failed')], 'upstream_failed', '1 upstream task failed: a (none_failed)'],
    ['none_failed', [up('a', 'skipped'), up('b', 'success')], 'run', 'no upstream task failed'],
    [
      'none_failed_min_one_success',
      [up('a', 'failed')],
      'upstream_failed',
      '1 upstream task failed: a (none_failed_min_one_success)',
    ],
    [
      'none_failed_min_one_success',
      [up('a', 'skipped'), up('b', 'skipped')],
      'skip',
      'all 2 upstream tasks were skipped (none_failed_min_one_success)',
    ],
    [
      'none_failed_min_one_success',
      [up('a', 'skipped'), up('b', 'success')],
      'run',
      'no upstream task failed; 1 upstream task succeeded: b',
    ],
    ['none_skipped', [up('a', 'success'), up('b', 'skipped')], 'skip', '1 upstream task skipped: b (none_skipped)'],
    ['none_skipped', [up('a', 'success'), up('b', 'failed')], 'run', 'no upstream task was skipped'],
    ['none_skipped', [up('a', 'success'), up('b', 'running')], 'wait', 'waiting for 1 upstream task: b'],
    [
      'all_skipped',
      [up('a', 'skipped'), up('b', 'failed')],
      'skip',
      '1 upstream task was not skipped: b (all_skipped)',
    ],
    [
      'all_skipped',
      [up('a', 'success'), up('b', 'running')],
      'skip',
      '1 upstream task was not skipped: a (all_skipped)',
    ],
    ['all_skipped', [up('a', 'skipped'), up('b', 'skipped')], 'run', 'all 2 upstream tasks were skipped'],
    ['all_skipped', [up('a', 'skipped')], 'run', 'the upstream task was skipped'],
    ['all_skipped', [up('a', 'skipped'), up('b', 'queued')], 'wait', 'waiting for 1 upstream task: b'],
    ['one_done', [up('a', 'running'), up('b', 'failed')], 'run', '1 upstream task finished: b'],
    ['one_done', [up('a', 'success'), up('b', 'failed')], 'run', '2 upstream tasks finished: a, b'],
    [
      'one_done',
      [up('a', 'skipped'), up('b', 'upstream_failed')],
      'skip',
      'no upstream task succeeded or failed (one_done)',
    ],
    ['one_done', [up('a', 'skipped'), up('b', 'running')], 'wait', 'waiting for 1 upstream task: b'],
    ['none_skipped', [up('a', 'skipped'), up('b', 'success')], 'skip', '1 upstream task skipped: a (none_skipped)'],
    ['none_skipped', [up('a', 'failed')], 'run', 'no upstream task was skipped'],
    ['all_skipped', [up('a', 'success')], 'skip', '1 upstream task was not skipped: a (all_skipped)'],
    ['all_skipped', [up('a', 'skipped')], 'run', 'the upstream task was skipped'],
    ['all_skipped', [up('a', 'skipped'), up('b', 'skipped')], 'run', 'all 2 upstream tasks were skipped'],
    ['one_done', [up('a', 'failed'), up('b', 'running')], 'run', '1 upstream task finished: a'],
    ['one_done', [up('a', 'skipped')], 'skip', 'no upstream task succeeded or failed (one_done)'],
    [
      'all_done_min_one_success',
      [up('a', 'success'), up('b', 'failed')],
      'run',
      'all 2 upstream tasks finished; 1 upstream task succeeded: a',
    ],
    [
      'all_done_min_one_success',
      [up('a', 'success')],
      'run',
      'the upstream task finished; 1 upstream task succeeded: a',
    ],
    [
      'all_done_min_one_success',
      [up('a', 'upstream_failed'), up('b', 'skipped')],
      'upstream_failed',
      'no upstream task succeeded; 1 upstream task failed: a (all_done_min_one_success)',
    ],
    [
      'all_done_min_one_success',
      [up('a', 'skipped'), up('b', 'skipped')],
      'skip',
      'all 2 upstream tasks were skipped (all_done_min_one_success)',
    ],
    ['all_done_min_one_success', [up('a', 'success'), up('b', 'running')], 'wait', 'waiting for 1 upstream task: b'],
    [
      'none_failed_min_one_success',
      [up('a', 'skipped')],
      'skip',
      'the upstream task was skipped (none_failed_min_one_success)',
    ],
    [
      'all_done_min_one_success',
      [up('a', 'skipped')],
      'skip',
      'the upstream task was skipped (all_done_min_one_success)',
    ],
    ['always', [up('a', 'running')], 'run', 'the trigger rule is always'],
  ];

  for (const [rule, upstream, outcome, reason] of cases) {
    it(`${rule}: ${reason}`, () => {
      expect(evaluateTriggerRule(rule, upstream)).toEqual({ outcome, reason });
    });
  }

  it('leaves upstream states given without a task id out of the names', () => {
    expect(evaluateTriggerRule('all_success', ['success', 'failed']).reason).toBe(
      '1 upstream task failed (all_success)',
    );
  });

  it('names five tasks at most and counts the rest', () => {
    const five = ['a', 'b', 'c', 'd', 'e'].map((id) => up(id, 'running'));
    expect(evaluateTriggerRule('all_done', five).reason).toBe('waiting for 5 upstream tasks: a, b, c, d, e');
  });
});
