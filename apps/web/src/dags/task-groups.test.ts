import { describe, expect, it } from 'vitest';
import type { TaskGroup, TaskNode } from '@sluice/client';
import { gridRows, visibleGraph } from './task-groups';

const task = (taskId: string, upstream: string[] = [], group: string | null = null): TaskNode => ({
  taskId,
  operator: 'fn',
  upstream,
  triggerRule: 'all_success',
  retries: 0,
  group,
  role: null,
  branch: null,
});
const tasks = [
  task('start'),
  task('ingest.a', ['start'], 'ingest'),
  task('ingest.raw.b', ['ingest.a'], 'ingest.raw'),
  task('end', ['ingest.raw.b']),
];
const groups: TaskGroup[] = [
  { groupId: 'ingest', parentId: null, label: 'ingest', taskIds: ['ingest.a'] },
  { groupId: 'ingest.raw', parentId: 'ingest', label: 'raw', taskIds: ['ingest.raw.b'] },
];
const keys = (view: ReturnType<typeof visibleGraph>) => view.items.map((i) => i.key);

describe('visibleGraph', () => {
  it('shows a collapsed group as one node carrying the edges of its tasks', () => {
    const view = visibleGraph(tasks, groups, new Set());
    expect(keys(view)).toEqual(['task:start', 'group:ingest', 'task:end']);
    expect(view.items[1]).toMatchObject({ kind: 'group', taskCount: 2 });
    expect(view.edges).toEqual([
      ['task:start', 'group:ingest'],
      ['group:ingest', 'task:end'],
    ]);
  });

  it('shows the tasks of an expanded group, and a group inside it collapsed until expanded too', () => {
    const outer = visibleGraph(tasks, groups, new Set(['ingest']));
    expect(keys(outer)).toEqual(['task:start', 'task:ingest.a', 'group:ingest.raw', 'task:end']);
    expect(outer.edges).toContainEqual(['task:ingest.a', 'group:ingest.raw']);
    const all = visibleGraph(tasks, groups, new Set(['ingest', 'ingest.raw']));
    expect(keys(all)).toEqual(['task:start', 'task:ingest.a', 'task:ingest.raw.b', 'task:end']);
  });

  it('keeps an inner group collapsed inside a collapsed outer one', () => {
    expect(keys(visibleGraph(tasks, groups, new Set(['ingest.raw'])))).toEqual([
      'task:start',
      'group:ingest',
      'task:end',
    ]);
  });
});

describe('gridRows', () => {
  it('nests each group where its first task is, its tasks one level deeper', () => {
    const rows = gridRows(tasks, groups, new Set());
    expect(rows.map((r) => [r.kind === 'task' ? r.task.taskId : `[${r.group.groupId}]`, r.depth])).toEqual([
      ['start', 0],
      ['[ingest]', 0],
      ['ingest.a', 1],
      ['[ingest.raw]', 1],
      ['ingest.raw.b', 2],
      ['end', 0],
    ]);
  });

  it('leaves out what a collapsed group holds', () => {
    const rows = gridRows(tasks, groups, new Set(['ingest']));
    expect(rows.map((r) => (r.kind === 'task' ? r.task.taskId : `[${r.group.groupId}]`))).toEqual([
      'start',
      '[ingest]',
      'end',
    ]);
    expect(rows[1]).toMatchObject({ collapsed: true });
  });
});
