import { describe, expect, it } from 'vitest';
import type { TaskSpec } from '@sluice/core';
import { makeDag, makeTask } from '@sluice/core/test-fixtures';
import { indexDagVersion } from './dag-cache';
import { finishesWithDownstream } from './task-scheduling';

const task = (
  taskId: string,
  upstream: string[] = [],
  triggerRule: TaskSpec['triggerRule'] = 'all_success',
): TaskSpec => makeTask(taskId, { upstream, triggerRule });

const version = (tasks: TaskSpec[]) => indexDagVersion('v', 'h', makeDag({ tasks }), '');

describe('finishesWithDownstream', () => {
  it('records a success with the pass over its downstream when that needs no look at other upstreams', () => {
    const v = version([
      task('a'),
      task('b', ['a']),
      task('c', ['a']),
      task('join', ['b', 'c']),
      task('any', ['b', 'c'], 'one_success'),
    ]);
    expect(finishesWithDownstream(v, 'a')).toBe(true); // fan-out: b and c wait on a alone
    expect(finishesWithDownstream(v, 'b')).toBe(false); // join waits on c too: checked first
    expect(finishesWithDownstream(v, 'join')).toBe(false); // nothing downstream
  });

  it('takes rules that a single success can decide whatever the other upstreams do', () => {
    const v = version([task('b'), task('c'), task('any', ['b', 'c'], 'one_success')]);
    expect(finishesWithDownstream(v, 'b')).toBe(true);
  });
});
