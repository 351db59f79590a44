/**
 * Every statement that writes several task_instance rows locks them first,
 * in id order (docs/adr/0014). Two such statements then wait for each other
 * at their first common row instead of each holding a row the other needs:
 * a worker's heartbeat of its running tries and a finish batch of five of
 * them, joined to the rows in whatever order the plan gave, deadlocked.
 *
 * `lockedInIdOrder(input, on)` is a CTE `locked(id)`: the rows of
 * task_instance `ti` joined to `input` on `on` (the write's own conditions),
 * locked in id order. The write then joins `locked` by id. A row whose
 * conditions stopped holding while the lock waited is not in it.
 */
export function lockedInIdOrder(input: string, on: string): string {
  return `locked AS MATERIALIZED (
       SELECT ti.id FROM task_instance ti JOIN ${input} ON ${on} ORDER BY ti.id FOR NO KEY UPDATE OF ti
     )`;
}
