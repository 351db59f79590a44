/**
 * Bytes Postgres' text and jsonb cannot hold — NUL — in what a task prints,
 * throws or returns: the try still ends as the task said, nothing is lost,
 * and every NUL is stored as the visible `\u0000`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

// The DAG's own source: `\0` and `\u0000` are escapes there, NULs at run time.
const nulDag = String.raw`
import { dag, fn, shell } from '@sluice/sdk';
export const d = dag({ id: 'nul', schedule: null, start: '2026-01-01' });
d.task('printer', shell({ command: "printf 'a\\0b\\n'; printf 'e\\0r\\n' >&2" }));
d.task('returner', fn(async () => ({ text: 'x\u0000y', list: ['\u0000'], ['k\u0000']: 1 })));
d.task('thrower', { retries: 0 }, fn(async () => { throw new Error('bad\u0000byte'); }));
`;

async function logOf(harness: Harness, taskId: string): Promise<string> {
  const res = await harness.db.db.pool.query<{ text: string }>(
    `SELECT l.text FROM task_log l JOIN task_instance ti ON ti.id = l.task_instance_id WHERE ti.task_id = $1 ORDER BY l.try_number, l.seq`,
    [taskId],
  );
  return res.rows.map((r) => r.text).join('');
}

async function tryOf(
  harness: Harness,
  taskId: string,
): Promise<{ state: string; try_number: number; error: { message: string; stack: string } | null }> {
  const res = await harness.db.db.pool.query<{
    state: string;
    try_number: number;
    error: { message: string; stack: string } | null;
  }>(
    `SELECT tt.state, tt.try_number, tt.error FROM task_try tt JOIN task_instance ti ON ti.id = tt.task_instance_id WHERE ti.task_id = $1`,
    [taskId],
  );
  expect(res.rows).toHaveLength(1);
  const [row] = res.rows;
  if (!row) throw new Error(`no try of ${taskId}`);
  return row;
}

describe('NUL bytes from a task', () => {
  it('end each try as the task said, with the NULs stored as \\u0000', async () => {
    h = await startHarness({ dags: { 'nul.ts': nulDag } });
    const run = await h.trigger('nul');
    const done = await h.waitForRun('nul', run.runId, ['success', 'failed'], 30_000);
    expect(Object.fromEntries(done.taskInstances.map((t) => [t.taskId, [t.state, t.tryNumber]]))).toEqual({
      printer: ['success', 1],
      returner: ['success', 1],
      thrower: ['failed', 1],
    });

    expect(await tryOf(h, 'printer')).toMatchObject({ state: 'success', try_number: 1 });
    const printed = await logOf(h, 'printer');
    expect(printed).toContain('a\\u0000b\n');
    expect(printed).toContain('e\\u0000r\n');
    expect(printed).toContain('try 1 ended: success');

    const output = await h.db.db.pool.query<{ value: unknown }>(
      `SELECT o.value FROM task_output o JOIN task_instance ti ON ti.id = o.task_instance_id WHERE ti.task_id = 'returner'`,
    );
    expect(output.rows).toEqual([{ value: { text: 'x\\u0000y', list: ['\\u0000'], 'k\\u0000': 1 } }]);

    const thrown = await tryOf(h, 'thrower');
    expect(thrown.state).toBe('failed');
    expect(thrown.error?.message).toBe('bad\\u0000byte');
    const thrownLog = await logOf(h, 'thrower');
    expect(thrownLog).toContain('Error: bad\\u0000byte');
    expect(thrownLog).toContain('try 1 ended: failed');
  });
});
