/**
 * AudienceProject's correction job: when log files arrive late, the day they
 * belong to is reprocessed. Trigger it with the day in `conf`
 * (`sluice dags trigger late_data_correction --conf '{"day":"2026-11-20"}'`);
 * the Glue job overwrites that day's partition, so running it twice for the
 * same day gives the same result (idempotent by date).
 */
import { dag, fn, glue } from '@sluice/sdk';

export const lateDataCorrection = dag({
  id: 'late_data_correction',
  description: "Reprocess one day's data when late files arrive (idempotent by date)",
  schedule: null,
  start: '2026-11-01',
  tags: ['glue', 'corrections', 'example'],
  owner: 'data-platform',
  confSchema: {
    type: 'object',
    properties: { day: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } },
    required: ['day'],
    additionalProperties: false,
  },
  defaultArgs: { retries: 1, retryDelay: '1m', executionTimeout: '2h' },
});

const plan = lateDataCorrection.task(
  'plan',
  fn(async (ctx) => {
    const day = String(ctx.conf.day);
    ctx.log(`reprocessing ${day}: its partition will be overwritten`);
    return { day, partition: `s3://audience-events/enriched/dt=${day}/` };
  }),
);

const reprocess = lateDataCorrection.task(
  'reprocess_day',
  { upstream: [plan] },
  glue.startJobRun({
    jobName: 'reprocess-day',
    arguments: { '--mode': 'overwrite-partition', '--day': '{{ conf.day }}' },
  }),
);

lateDataCorrection.task(
  'refresh_catalog',
  { upstream: [reprocess] },
  glue.crawler({ crawlerName: 'audience-events-enriched' }),
);
