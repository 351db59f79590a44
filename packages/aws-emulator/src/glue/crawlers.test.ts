import {
  CreateCrawlerCommand,
  GetCrawlerCommand,
  GetCrawlerMetricsCommand,
  type GlueClient,
  StartCrawlerCommand,
  StopCrawlerCommand,
} from '@aws-sdk/client-glue';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock';
import { type AwsEmulator, startAwsEmulator } from '../server';
import { glueClient, rejection } from '../test-support';

const CRAWL = 4000;
const STOP = 1000;

let clock: ManualClock;
let emulator: AwsEmulator;
let glue: GlueClient;

beforeEach(async () => {
  clock = new ManualClock();
  emulator = await startAwsEmulator({ now: clock.now, durations: { crawlMs: CRAWL, crawlStopMs: STOP } });
  glue = glueClient(emulator.url);
});

afterEach(async () => {
  glue.destroy();
  await emulator.close();
});

async function crawler(name: string) {
  const { Crawler } = await glue.send(new GetCrawlerCommand({ Name: name }));
  return Crawler;
}

describe('Glue crawlers', () => {
  it('crawls READY → RUNNING → STOPPING → READY with LastCrawl SUCCEEDED and metrics', async () => {
    emulator.control.createCrawler({ Name: 'raw-events', DatabaseName: 'raw' });
    expect((await crawler('raw-events'))?.State).toBe('READY');
    const startedAt = clock.now();
    await glue.send(new StartCrawlerCommand({ Name: 'raw-events' }));
    expect((await crawler('raw-events'))?.State).toBe('RUNNING');
    clock.advance(CRAWL);
    expect((await crawler('raw-events'))?.State).toBe('STOPPING');
    clock.advance(STOP);
    const done = await crawler('raw-events');
    expect(done?.State).toBe('READY');
    expect(done?.LastCrawl?.Status).toBe('SUCCEEDED');
    expect(done?.LastCrawl?.StartTime).toEqual(new Date(startedAt));

    const { CrawlerMetricsList } = await glue.send(new GetCrawlerMetricsCommand({ CrawlerNameList: ['raw-events'] }));
    expect(CrawlerMetricsList?.[0]).toMatchObject({
      CrawlerName: 'raw-events',
      LastRuntimeSeconds: (CRAWL + STOP) / 1000,
      TimeLeftSeconds: 0,
    });
  });

  it('ends a crawl matched by a rule FAILED with its ErrorMessage', async () => {
    emulator.control.addCrawlRule({ name: '^raw', errorMessage: 'Access denied to s3://raw' });
    emulator.control.createCrawler({ Name: 'raw-events' });
    await glue.send(new StartCrawlerCommand({ Name: 'raw-events' }));
    clock.advance(CRAWL + STOP);
    expect((await crawler('raw-events'))?.LastCrawl).toMatchObject({
      Status: 'FAILED',
      ErrorMessage: 'Access denied to s3://raw',
    });
  });

  it('records a stopped crawl as CANCELLED', async () => {
    emulator.control.createCrawler({ Name: 'c' });
    await glue.send(new StartCrawlerCommand({ Name: 'c' }));
    await glue.send(new StopCrawlerCommand({ Name: 'c' }));
    expect((await crawler('c'))?.State).toBe('STOPPING');
    clock.advance(STOP);
    expect((await crawler('c'))?.LastCrawl?.Status).toBe('CANCELLED');
  });

  it('refuses to start a running crawler with CrawlerRunningException', async () => {
    emulator.control.createCrawler({ Name: 'c' });
    await glue.send(new StartCrawlerCommand({ Name: 'c' }));
    expect((await rejection(glue.send(new StartCrawlerCommand({ Name: 'c' })))).name).toBe('CrawlerRunningException');
  });

  it('answers EntityNotFoundException for a crawler nobody created', async () => {
    const error = await rejection(glue.send(new StartCrawlerCommand({ Name: 'ghost' })));
    expect(error.name).toBe('EntityNotFoundException');
  });

  it('accepts crawlers created with CreateCrawler', async () => {
    await glue.send(
      new CreateCrawlerCommand({
        Name: 'sdk-made',
        Role: 'arn:aws:iam::000000000000:role/glue',
        DatabaseName: 'curated',
        Targets: { S3Targets: [{ Path: 's3://curated/' }] },
      }),
    );
    const made = await crawler('sdk-made');
    expect(made?.DatabaseName).toBe('curated');
    expect(made?.Targets?.S3Targets?.[0]?.Path).toBe('s3://curated/');
  });
});
