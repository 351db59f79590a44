/**
 * `glue.crawler`: StartCrawler, then waits until the crawler is READY again
 * and reads `LastCrawl.Status` (SUCCEEDED → success; FAILED/CANCELLED →
 * failed with Glue's ErrorMessage). A crawler that is already crawling
 * (CrawlerRunningException) is adopted rather than failed: its crawl is the
 * one this task waits for. The intent records `LastCrawl.StartTime` before
 * starting, so after a worker crash a crawl this try started and that has
 * already finished is recognised instead of started twice. `cancel` → StopCrawler.
 */
import {
  type Crawler,
  GetCrawlerCommand,
  type GlueClient,
  StartCrawlerCommand,
  StopCrawlerCommand,
} from '@aws-sdk/client-glue';
import { glueClientFor } from '../aws/clients';
import { classifyAwsError, isAwsError, rethrowForCancel, settle } from '../aws/errors';
import { clientRegion, glueCrawlerConsoleUrl, recordedRef, consoleLink, linkSuffix } from '../aws/refs';
import { compileOptions, resolveAwsSettings } from '../aws/settings';
import type { ExternalContext, ExternalOperator, ExternalRef, ExternalStatus } from '../external';
import { CrawlerOptions } from './options';

const TYPE = 'glue.crawl';

async function getCrawler(glue: GlueClient, name: string): Promise<Crawler> {
  const out = await glue.send(new GetCrawlerCommand({ Name: name }));
  if (out.Crawler === undefined) throw new Error(`GetCrawler ${name} returned no crawler`);
  return out.Crawler;
}

function statusOfCrawler(ref: ExternalRef, crawler: Crawler): ExternalStatus {
  const state = crawler.State ?? 'UNKNOWN';
  if (state !== 'READY') return { state: 'waiting', ref: { ...ref, awsState: state } };
  const last = crawler.LastCrawl;
  const status = last?.Status ?? 'UNKNOWN';
  const next: ExternalRef = {
    ...ref,
    awsState: status,
    ...(last?.StartTime !== undefined && { crawlStartedAt: last.StartTime.toISOString() }),
  };
  if (status === 'SUCCEEDED')
    return { state: 'succeeded', ref: next, output: { crawlerName: crawler.Name ?? '', status } };
  const why = last?.ErrorMessage ?? (status === 'CANCELLED' ? 'the crawl was cancelled' : 'no error message');
  return {
    state: 'failed',
    ref: next,
    retryable: true,
    error: { name: 'GlueCrawlFailed', message: `Crawler ${crawler.Name ?? '?'} ${status}: ${why}` },
  };
}

const lastStart = (crawler: Crawler): string | null => crawler.LastCrawl?.StartTime?.toISOString() ?? null;

async function start(options: CrawlerOptions, ctx: ExternalContext): Promise<ExternalStatus> {
  const { crawlerName } = options;
  let ref: ExternalRef = { type: TYPE, marker: ctx.marker, crawlerName };
  const glue = glueClientFor(resolveAwsSettings(ctx.aws, options.aws));
  const started = async (how: string): Promise<ExternalStatus> => {
    ref = { ...ref, phase: 'started' };
    await ctx.record(ref);
    ctx.log(`${how} crawler ${crawlerName}${linkSuffix(ref)}`);
    return statusOfCrawler(ref, await getCrawler(glue, crawlerName));
  };
  return settle(
    () => ref,
    ctx.signal,
    async () => {
      const region = await clientRegion(glue);
      ref = { ...ref, region, consoleUrl: consoleLink(ctx.aws, glueCrawlerConsoleUrl(region, crawlerName)) };
      const known = recordedRef(ctx, TYPE, ctx.marker);
      if (known?.['phase'] === 'started') return statusOfCrawler({ ...known }, await getCrawler(glue, crawlerName));

      const crawler = await getCrawler(glue, crawlerName);
      if (crawler.State !== 'READY') return started('adopted the crawl already running on');
      if (known !== undefined && 'previousCrawlStart' in known && lastStart(crawler) !== known['previousCrawlStart']) {
        return started('found the finished crawl this try started on');
      }
      ref = { ...ref, phase: 'submitting', previousCrawlStart: lastStart(crawler) };
      await ctx.record(ref);
      try {
        await glue.send(new StartCrawlerCommand({ Name: crawlerName }));
      } catch (raw) {
        if (!isAwsError(raw) || classifyAwsError(raw).name !== 'CrawlerRunningException') throw raw;
        return started('adopted the crawl already running on');
      }
      return started('started');
    },
  );
}

export const crawlerOperator: ExternalOperator<CrawlerOptions> = {
  kind: 'glue.crawler',
  compile: (options) => compileOptions('glue.crawler', CrawlerOptions, options),
  start,

  async poll(options, ref, ctx) {
    if (ref['phase'] !== 'started') return start(options, ctx);
    const glue = glueClientFor(resolveAwsSettings(ctx.aws, options.aws));
    return settle(
      () => ref,
      ctx.signal,
      async () => statusOfCrawler(ref, await getCrawler(glue, options.crawlerName)),
    );
  },

  async cancel(options, _ref, ctx) {
    const glue = glueClientFor(resolveAwsSettings(ctx.aws, options.aws));
    try {
      await glue.send(new StopCrawlerCommand({ Name: options.crawlerName }));
      ctx.log(`requested stop of crawler ${options.crawlerName}`);
      return { ended: false };
    } catch (raw) {
      const name = isAwsError(raw) ? classifyAwsError(raw).name : '';
      if (name === 'CrawlerStoppingException') {
        ctx.log(`crawler ${options.crawlerName} is stopping`);
        return { ended: false };
      }
      if (name === 'CrawlerNotRunningException' || name === 'EntityNotFoundException') {
        ctx.log(`crawler ${options.crawlerName} is not running: nothing to stop`);
        return { ended: true };
      }
      rethrowForCancel(raw);
    }
  },
};
