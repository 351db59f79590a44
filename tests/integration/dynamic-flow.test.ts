/**
 * Branches, short circuits, setups and teardowns and task groups, run for
 * real: the scheduler and worker processes decide them as core says, the
 * branch's choice is stored with its finish, and a clear inside a scope
 * reruns its setup and teardown.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness';

const marker = path.join(os.tmpdir(), `sluice-scope-${process.pid}-${Date.now()}`);

const source = `
import { dag, fn, shell, NonRetryableError } from '@sluice/sdk';

export const branching = dag({ id: 'branching', schedule: null, start: '2026-01-01' });
const choose = branching.branch('choose', { choices: ['full', 'delta'] }, fn(async () => 'delta'));
const full = branching.task('full', { upstream: [choose] }, fn(async () => 'full'));
const fullCheck = branching.task('full_check', { upstream: [full] }, fn(async () => 'checked'));
const delta = branching.task('delta', { upstream: [choose] }, fn(async () => 'delta'));
branching.task('join', { upstream: [fullCheck, delta], triggerRule: 'none_failed_min_one_success' }, fn(async () => 'joined'));

export const badBranch = dag({ id: 'bad_branch', schedule: null, start: '2026-01-01' });
const wrong = badBranch.branch('wrong', { choices: ['a'] }, fn(async () => 'b' as 'a'));
badBranch.task('a', { upstream: [wrong] }, fn(async () => 'a'));

export const gated = dag({ id: 'gated', schedule: null, start: '2026-01-01' });
const gate = gated.shortCircuit('gate', {}, fn(async () => false));
const next = gated.task('next', { upstream: [gate] }, fn(async () => 'next'));
gated.task('cleanup', { upstream: [next], triggerRule: 'all_done' }, fn(async () => 'cleaned'));
const soft = gated.shortCircuit('soft', { ignoreDownstreamTriggerRules: false }, fn(async () => 0));
const softNext = gated.task('soft_next', { upstream: [soft] }, fn(async () => 'next'));
gated.task('soft_cleanup', { upstream: [softNext], triggerRule: 'all_done' }, fn(async () => 'cleaned'));

export const scoped = dag({ id: 'scoped', schedule: null, start: '2026-01-01' });
const create = scoped.setup('create', fn(async () => ({ clusterId: 'j-' + Math.random().toString(36).slice(2) })));
const step = scoped.task('step', { upstream: [create] }, shell({ command: 'test -f ${marker}' }));
scoped.teardown('terminate', { setup: create, upstream: [step] }, fn(async (ctx) => ctx.output(create).clusterId));
scoped.teardown('strict', { setup: create, upstream: [step], failRun: false }, fn(async () => {
  throw new NonRetryableError('the cluster was already gone');
}));

export const groups = dag({ id: 'groups', schedule: null, start: '2026-01-01' });
const start = groups.task('start', fn(async () => 1));
const ingest = groups.group('ingest', { upstream: [start], defaultArgs: { retries: 2 } }, (g) => {
  const a = g.task('a', fn(async () => 'a'));
  g.task('b', { upstream: [a] }, fn(async () => 'b'));
  g.task('c', fn(async () => 'c'));
});
groups.task('end', { upstream: [ingest] }, fn(async () => 'end'));
`;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ dags: { 'flow.ts': source } });
}, 60_000);
afterAll(async () => {
  await h.close();
  await fs.rm(marker, { force: true });
});

const statesOf = (run: { taskInstances: Array<{ taskId: string; state: string }> }) =>
  Object.fromEntries(run.taskInstances.map((t) => [t.taskId, t.state]));

describe('dynamic flow', () => {
  it('skips the path a branch did not take and runs the none_failed_min_one_success join', async () => {
    const run = await h.trigger('branching');
    const done = await h.waitForRun('branching', run.runId, ['success', 'failed'], 30_000);
    expect(statesOf(done)).toEqual({
      choose: 'success',
      full: 'skipped',
      full_check: 'skipped',
      delta: 'success',
      join: 'success',
    });
    expect(done.state).toBe('success');
  });

  it('fails a branch that returns an id it may not follow, saying which', async () => {
    const run = await h.trigger('bad_branch');
    const done = await h.waitForRun('bad_branch', run.runId, ['success', 'failed'], 30_000);
    expect(statesOf(done)).toEqual({ wrong: 'failed', a: 'upstream_failed' });
    const wrong = await request(h.app).get(`/api/v1/dags/bad_branch/runs/${encodeURIComponent(run.runId)}/tasks/wrong`);
    expect(wrong.body.tries[0].error.message).toBe(
      'branch task "wrong" returned "b", which is not one of its direct downstream tasks; it must return one of "a", or an array of them',
    );
  });

  it('skips everything below a short circuit that returned false, or only its direct downstream when told', async () => {
    const run = await h.trigger('gated');
    const done = await h.waitForRun('gated', run.runId, ['success', 'failed'], 30_000);
    expect(statesOf(done)).toEqual({
      gate: 'success',
      next: 'skipped',
      cleanup: 'skipped',
      soft: 'success',
      soft_next: 'skipped',
      soft_cleanup: 'success',
    });
    expect(done.state).toBe('success');
  });

  it('runs the teardowns after a failure in the scope; the run fails for the step, not for a teardown', async () => {
    const run = await h.trigger('scoped');
    const failed = await h.waitForRun('scoped', run.runId, ['success', 'failed'], 30_000);
    expect(statesOf(failed)).toEqual({ create: 'success', step: 'failed', terminate: 'success', strict: 'failed' });
    expect(failed.state).toBe('failed');

    await fs.writeFile(marker, 'ready');
    const cleared = await request(h.app)
      .post(`/api/v1/dags/scoped/runs/${encodeURIComponent(run.runId)}/tasks/step/clear`)
      .send({ downstream: false });
    expect(cleared.status).toBe(200);
    expect(cleared.body.cleared).toEqual(['create', 'step', 'strict', 'terminate']);
    const done = await h.waitForRun('scoped', run.runId, ['success'], 30_000);
    expect(done.taskInstances.map((t) => [t.taskId, t.state, t.tryNumber])).toEqual([
      ['create', 'success', 2],
      ['step', 'success', 2],
      ['terminate', 'success', 2],
      ['strict', 'failed', 2],
    ]);
  });

  it('makes a group depend on its upstream and its downstream on the group’s last tasks', async () => {
    const run = await h.trigger('groups');
    const done = await h.waitForRun('groups', run.runId, ['success', 'failed'], 30_000);
    expect(done.state).toBe('success');
    const dag = await request(h.app).get('/api/v1/dags/groups');
    const tasks = Object.fromEntries(
      (dag.body.tasks as Array<{ taskId: string; upstream: string[]; group: string | null }>).map((t) => [
        t.taskId,
        [t.upstream, t.group],
      ]),
    );
    expect(tasks).toEqual({
      start: [[], null],
      'ingest.a': [['start'], 'ingest'],
      'ingest.b': [['ingest.a'], 'ingest'],
      'ingest.c': [['start'], 'ingest'],
      end: [['ingest.b', 'ingest.c'], null],
    });
    expect(dag.body.groups).toEqual([
      { groupId: 'ingest', parentId: null, label: 'ingest', taskIds: ['ingest.a', 'ingest.b', 'ingest.c'] },
    ]);
  });
});
