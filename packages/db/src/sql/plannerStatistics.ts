/**
 * Fresh planner statistics for the tables every try writes. Each pooled
 * connection plans a prepared statement once and keeps that plan until the
 * table's statistics change. A plan made while a table held a few hundred
 * rows (a new install, the first burst of runs) reads the whole table for
 * every claim once it holds a hundred thousand, and statistics taken in a
 * burst say every task is queued long after they all ended. Autovacuum
 * analyzes a table once a minute at best; a burst of runs outgrows a plan in
 * a second. So a hot table with more changed rows since its last ANALYZE
 * than its statistics count rows is analyzed now, which also makes every
 * connection plan its statements on it again. A large table in steady use
 * never gets there: autovacuum analyzes it at a tenth of that.
 */
import type { Queryable } from './queryable';

/** The tables whose rows every try adds or rewrites. */
export const HOT_TABLES = ['dag_run', 'task_instance', 'task_log', 'task_output', 'task_try'] as const;

/** Fewer changed rows than this cost a stale plan too little to analyze for. */
export const MIN_CHANGED_ROWS = 1000;

/**
 * Analyzes each hot table of the current schema whose rows changed since
 * its last ANALYZE (or ever, if never) outnumber both `MIN_CHANGED_ROWS`
 * and the rows its statistics count. Returns the tables analyzed.
 */
export async function refreshPlannerStatistics(db: Queryable): Promise<string[]> {
  const res = await db.query<{ table: string }>(
    `SELECT c.relname AS table FROM pg_class c
      WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = ANY($1::text[])
        AND pg_stat_get_mod_since_analyze(c.oid) >= GREATEST($2, c.reltuples)
      ORDER BY c.relname`,
    [HOT_TABLES, MIN_CHANGED_ROWS],
  );
  const tables = res.rows.map((r) => r.table);
  // The names come from HOT_TABLES, never from input.
  for (const table of tables) await db.query(`ANALYZE ${table}`);
  return tables;
}
