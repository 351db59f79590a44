/**
 * A template for testing a DAG: `testDag` runs it in the test's process — no
 * scheduler, database or Redis — and returns each task's output typed.
 * Copy it next to your own DAG file; `sluice dags validate` and the
 * scheduler ignore `*.test.ts` files.
 */
import { testDag } from '@sluice/sdk/testing';
import { describe, expect, it } from 'vitest';
import { dailyBatchEtl, extract, load, report, transform } from './daily_batch_etl';

describe('daily_batch_etl', () => {
  it('counts the day it runs for and reports the most common activity', async () => {
    // `load` is a shell task writing to the warehouse: a stub stands in for it.
    const result = await testDag(dailyBatchEtl, {
      logicalDate: '2026-11-21',
      stubs: { [load.taskId]: { output: undefined } },
    });
    expect(result.state).toBe('success');
    // Typed: `rows` is a number, `top` a string or null.
    const rows: number = result.output(extract).rows;
    expect(result.output(transform).counts.article_view).toBe(Math.floor(rows / 2));
    expect(result.output(report)).toEqual({
      table: 'batch_views.user_activities_20261121',
      total: rows,
      top: 'article_view',
    });
  });

  it('runs transform on its own from a given extract output', async () => {
    const result = await testDag(dailyBatchEtl, {
      logicalDate: '2026-11-21',
      stubs: {
        extract: { output: { day: '2026-11-21', prefix: 's3://x/', files: 1, rows: 8 } },
        load: { output: undefined },
      },
    });
    expect(result.output(transform).counts).toEqual({ article_view: 4, share: 2, scroll: 1, ad_click: 1 });
  });
});
