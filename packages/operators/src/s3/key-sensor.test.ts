import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../aws/testing';
import { keySensorOperator as op, patternRegExp } from './key-sensor';

let h: Harness;
let s3: S3Client;

beforeEach(async () => {
  h = await startHarness();
  h.emulator.s3.createBucket('lake');
  s3 = new S3Client({ ...h.aws, forcePathStyle: true });
});
afterEach(async () => {
  s3.destroy();
  await h.close();
});

const sensor = { timeoutMs: 60_000, mode: 'fail', pokeIntervalMs: 1000 };
const put = (key: string, body = 'data') => s3.send(new PutObjectCommand({ Bucket: 'lake', Key: key, Body: body }));

describe('s3.keySensor', () => {
  it('waits for one key, then outputs it', async () => {
    const options = op.compile({ bucket: 'lake', key: 'raw/2026-01-01/_SUCCESS', sensor });
    const first = await op.start(options, h.ctx());
    expect(first).toMatchObject({ state: 'waiting', ref: { type: 's3.keySensor', bucket: 'lake', found: 0 } });
    await put('raw/2026-01-01/_SUCCESS.tmp');
    expect((await op.poll(options, first.ref, h.ctx())).state).toBe('waiting');
    await put('raw/2026-01-01/_SUCCESS', '');
    expect(await op.poll(options, first.ref, h.ctx())).toMatchObject({
      state: 'succeeded',
      output: { bucket: 'lake', keys: ['raw/2026-01-01/_SUCCESS'], count: 1 },
    });
  });

  it('counts only objects under the prefix of at least minSize bytes, across pages, until minCount', async () => {
    const options = op.compile({ bucket: 'lake', prefix: 'parts/', minCount: 1001, minSize: 2, sensor });
    // Straight into the emulator's bucket: a thousand PutObject calls would only slow the test.
    const bucket = h.emulator.s3.buckets.get('lake');
    for (let i = 0; i < 1000; i++)
      bucket?.set(`parts/${String(i).padStart(4, '0')}`, { body: Buffer.from('data'), contentType: 'text/plain' });
    await put('parts/small', 'x');
    await put('elsewhere/big');
    const short = await op.start(options, h.ctx());
    expect(short).toMatchObject({ state: 'waiting', ref: { found: 1000, prefix: 'parts/' } });
    await put('parts/zlast');
    const done = await op.poll(options, short.ref, h.ctx());
    expect(done).toMatchObject({ state: 'succeeded', output: { count: 1001 } });
    const output = done.state === 'succeeded' ? (done.output as { keys: string[] }) : { keys: [] };
    expect(output.keys).toHaveLength(1000);
    expect(output.keys).not.toContain('parts/small');
  });

  it('matches a pattern, listing only under its literal start', async () => {
    const options = op.compile({ bucket: 'lake', pattern: 'logs/*/part-??.json', minCount: 2, sensor });
    await put('logs/a/part-01.json');
    await put('logs/a/b/part-02.json');
    await put('logs/c/part-003.json');
    expect(await op.start(options, h.ctx())).toMatchObject({ state: 'waiting', ref: { prefix: 'logs/', found: 1 } });
    await put('logs/d/part-04.json');
    expect(await op.start(options, h.ctx())).toMatchObject({
      state: 'succeeded',
      output: { keys: ['logs/a/part-01.json', 'logs/d/part-04.json'], count: 2 },
    });
  });

  it('fails without a retry when the bucket does not exist', async () => {
    const options = op.compile({ bucket: 'missing', key: 'a', sensor });
    expect(await op.start(options, h.ctx())).toMatchObject({
      state: 'failed',
      retryable: false,
      error: { name: 'NoSuchBucket' },
    });
  });

  it('rejects options naming none or two of key, prefix and pattern', () => {
    expect(() => op.compile({ bucket: 'lake', sensor })).toThrow(
      's3.keySensor: key: give exactly one of key, prefix or pattern',
    );
    expect(() => op.compile({ bucket: 'lake', key: 'a', prefix: 'b', sensor })).toThrow('exactly one');
    expect(() => op.compile({ bucket: 'lake', key: 'a' })).toThrow('s3.keySensor: sensor:');
  });
});

describe('patternRegExp', () => {
  it('reads * within a path segment, ** across segments, ? as one character, the rest literally', () => {
    expect(patternRegExp('a/*.json').test('a/x.json')).toBe(true);
    expect(patternRegExp('a/*.json').test('a/b/x.json')).toBe(false);
    expect(patternRegExp('a/*.json').test('a/xjson')).toBe(false);
    expect(patternRegExp('a/**.json').test('a/b/x.json')).toBe(true);
    expect(patternRegExp('a/?').test('a/b')).toBe(true);
    expect(patternRegExp('a/?').test('a/bc')).toBe(false);
    expect(patternRegExp('a/?').test('a//')).toBe(false);
    expect(patternRegExp('(x)+[y]').test('(x)+[y]')).toBe(true);
    expect(patternRegExp('pre*').test('xpre')).toBe(false);
  });
});
