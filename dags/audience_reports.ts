/**
 * Reports over the enriched audience events, rebuilt for the days that
 * changed: scheduled on the enriched-events asset, so each correction
 * (late_data_correction's `announce`) reruns exactly the days it rewrote.
 * The asset is named by its URI here as there: a URI is an asset's
 * identity, whichever file declares it.
 */
import { asset, dag, fn } from '@sluice/sdk';

const enrichedEvents = asset<{ dates: string[]; reason: string }>('s3://audience-events/enriched/');

export const audienceReports = dag({
  id: 'audience_reports',
  description: 'Rebuild the daily audience reports of the days whose enriched events changed',
  schedule: [enrichedEvents],
  start: '2026-11-01',
  tags: ['reports', 'assets', 'example'],
  owner: 'analytics',
});

audienceReports.task(
  'rebuild_reports',
  fn((ctx) => {
    const events = ctx.triggeringEventsFor(enrichedEvents);
    const dates = [...new Set(events.flatMap((e) => e.extra.dates))].sort();
    for (const d of dates)
      ctx.log(`rebuilding audience_report_${d.replaceAll('-', '')} (${events[0]?.extra.reason ?? 'update'})`);
    return { rebuilt: dates.map((d) => `reports.audience_daily_${d.replaceAll('-', '')}`) };
  }),
);
