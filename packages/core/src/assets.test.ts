import { describe, expect, it } from 'vitest';
import {
  MAX_ASSET_URI_LENGTH,
  assetTriggeredRun,
  assetUriProblem,
  conditionAssets,
  evaluateAssetCondition,
  formatAssetCondition,
  type AssetCondition,
} from './assets';
import { AssetConditionSpec, DagSpec, TaskSpec } from './dag-spec';

describe('assetUriProblem', () => {
  it('accepts URIs with a scheme and something after it', () => {
    for (const uri of ['s3://bucket/events/', 'postgres://db/public.orders', 'file:/tmp/x', 'x+y.z-1:a']) {
      expect(assetUriProblem(uri)).toBeNull();
    }
  });

  it('names what is wrong', () => {
    expect(assetUriProblem(42)).toBe('must be a string, got number');
    expect(assetUriProblem(null)).toBe('must be a string, got null');
    expect(assetUriProblem('')).toBe('must not be empty');
    expect(assetUriProblem('events/2026')).toBe(
      'needs a scheme, as in "s3://bucket/prefix/" or "postgres://db/schema/table"',
    );
    expect(assetUriProblem('1s3://b')).toMatch(/^needs a scheme/);
    expect(assetUriProblem('s3 ://b')).toBe('must not contain whitespace or control characters (found " ")');
    expect(assetUriProblem('s3://b/x\n')).toBe('must not contain whitespace or control characters (found "\\n")');
    expect(assetUriProblem('s3://b/\u0000')).toMatch(/control characters/);
    expect(assetUriProblem('s3://b/\u007f')).toMatch(/control characters/);
    expect(assetUriProblem('s3:')).toBe('has nothing after its scheme "s3:"');
  });

  it('allows URIs up to the limit and no longer', () => {
    const at = `s3://${'a'.repeat(MAX_ASSET_URI_LENGTH - 5)}`;
    expect(at).toHaveLength(MAX_ASSET_URI_LENGTH);
    expect(assetUriProblem(at)).toBeNull();
    expect(assetUriProblem(`${at}b`)).toBe(`is ${MAX_ASSET_URI_LENGTH + 1} characters long; at most 1500`);
  });
});

describe('conditionAssets and formatAssetCondition', () => {
  it('lists each URI once, in the order first named', () => {
    const c: AssetCondition = {
      kind: 'all',
      assets: ['s3://a', { kind: 'any', assets: ['s3://b', 's3://a'] }, 's3://c'],
    };
    expect(conditionAssets(c)).toEqual(['s3://a', 's3://b', 's3://c']);
  });

  it('writes the condition as people read it', () => {
    expect(formatAssetCondition({ kind: 'all', assets: ['s3://a', 's3://b'] })).toBe('s3://a and s3://b');
    expect(formatAssetCondition({ kind: 'any', assets: ['s3://a', 's3://b'] })).toBe('s3://a or s3://b');
    expect(
      formatAssetCondition({ kind: 'all', assets: ['s3://a', { kind: 'any', assets: ['s3://b', 's3://c'] }] }),
    ).toBe('s3://a and (s3://b or s3://c)');
    expect(
      formatAssetCondition({ kind: 'any', assets: [{ kind: 'all', assets: ['s3://b', 's3://c'] }, 's3://d'] }),
    ).toBe('(s3://b and s3://c) or s3://d');
    expect(formatAssetCondition({ kind: 'any', assets: [{ kind: 'all', assets: ['s3://b'] }] })).toBe('s3://b');
  });
});

describe('evaluateAssetCondition', () => {
  const two = (): AssetCondition => ({ kind: 'all', assets: ['s3://b/x', 's3://b/y'] });

  it('waits for every asset of an all-of condition, saying which and how many arrived', () => {
    expect(evaluateAssetCondition(two(), new Set(['s3://b/y']))).toEqual({
      ready: false,
      reason: 'waiting for s3://b/x (1 of 2 updated)',
      updated: ['s3://b/y'],
      waiting: ['s3://b/x'],
    });
    expect(evaluateAssetCondition(two(), new Set()).reason).toBe('waiting for s3://b/x and s3://b/y (0 of 2 updated)');
  });

  it('is ready when every asset of an all-of condition was updated', () => {
    expect(evaluateAssetCondition(two(), new Set(['s3://b/x', 's3://b/y', 's3://other']))).toEqual({
      ready: true,
      reason: 'ready: s3://b/x and s3://b/y updated (2 of 2 updated)',
      updated: ['s3://b/x', 's3://b/y'],
      waiting: [],
    });
  });

  it('is ready when any asset of an any-of condition was updated', () => {
    const any: AssetCondition = { kind: 'any', assets: ['s3://a', 's3://b'] };
    expect(evaluateAssetCondition(any, new Set(['s3://b']))).toMatchObject({
      ready: true,
      reason: 'ready: s3://b updated (1 of 2 updated)',
    });
    expect(evaluateAssetCondition(any, new Set())).toEqual({
      ready: false,
      reason: 'waiting for any of s3://a or s3://b (0 of 2 updated)',
      updated: [],
      waiting: ['s3://a', 's3://b'],
    });
  });

  it('reads a nested any-of inside an all-of', () => {
    const c: AssetCondition = { kind: 'all', assets: ['s3://a', { kind: 'any', assets: ['s3://b', 's3://c'] }] };
    expect(evaluateAssetCondition(c, new Set(['s3://a']))).toMatchObject({
      ready: false,
      reason: 'waiting for s3://b or s3://c (1 of 3 updated)',
    });
    expect(evaluateAssetCondition(c, new Set(['s3://c']))).toMatchObject({
      ready: false,
      reason: 'waiting for s3://a (1 of 3 updated)',
    });
    expect(evaluateAssetCondition(c, new Set(['s3://a', 's3://c'])).ready).toBe(true);
  });

  it('reads a nested all-of inside an any-of, naming only what the nested one still lacks', () => {
    const c: AssetCondition = { kind: 'any', assets: [{ kind: 'all', assets: ['s3://b', 's3://c'] }, 's3://d'] };
    expect(evaluateAssetCondition(c, new Set(['s3://b']))).toMatchObject({
      ready: false,
      reason: 'waiting for any of s3://c or s3://d (1 of 3 updated)',
    });
    expect(evaluateAssetCondition(c, new Set(['s3://b', 's3://c'])).ready).toBe(true);
    expect(evaluateAssetCondition(c, new Set(['s3://d'])).ready).toBe(true);
    expect(evaluateAssetCondition(c, new Set(['s3://c'])).ready).toBe(false);
  });

  it('holds a nested any-of when one of its assets arrived, and not before', () => {
    const c: AssetCondition = { kind: 'all', assets: [{ kind: 'any', assets: ['s3://b', 's3://c'] }] };
    expect(evaluateAssetCondition(c, new Set(['s3://b'])).ready).toBe(true);
    expect(evaluateAssetCondition(c, new Set(['s3://x'])).ready).toBe(false);
  });
});

describe('assetTriggeredRun', () => {
  it('spans its events and is named by the time and the newest event', () => {
    const now = new Date('2026-12-08T10:00:00.000Z');
    const run = assetTriggeredRun(
      [
        { id: 'bbbbbbbb-0000', createdAt: new Date('2026-12-08T09:30:00.000Z') },
        { id: 'aaaaaaaa-1111', createdAt: new Date('2026-12-08T09:10:00.000Z') },
        { id: 'cccccccc-2222', createdAt: new Date('2026-12-08T09:20:00.000Z') },
      ],
      now,
    );
    expect(run).toEqual({
      runId: 'asset_triggered__2026-12-08T10:00:00.000Z_bbbbbbbb',
      logicalDate: now,
      dataInterval: { start: new Date('2026-12-08T09:10:00.000Z'), end: new Date('2026-12-08T09:30:00.000Z') },
    });
  });

  it('takes the later of two events at the same instant as the newest', () => {
    const at = new Date('2026-12-08T09:00:00.000Z');
    const run = assetTriggeredRun(
      [
        { id: '11111111-x', createdAt: at },
        { id: '22222222-y', createdAt: at },
      ],
      at,
    );
    expect(run.runId.endsWith('_22222222')).toBe(true);
  });

  it('needs at least one event', () => {
    expect(() => assetTriggeredRun([], new Date())).toThrow(
      new RangeError('an asset-triggered run needs at least one event'),
    );
  });
});

describe('the DagSpec schemas', () => {
  it('accept a nested condition and reject a bad URI in it, naming why', () => {
    expect(
      AssetConditionSpec.safeParse({ kind: 'all', assets: ['s3://a', { kind: 'any', assets: ['s3://b'] }] }).success,
    ).toBe(true);
    const bad = AssetConditionSpec.safeParse({ kind: 'any', assets: ['no-scheme'] });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toMatch(/^asset URI needs a scheme/);
    expect(AssetConditionSpec.safeParse({ kind: 'any', assets: [] }).success).toBe(false);
  });

  it('keep outlets and an asset schedule optional', () => {
    expect(TaskSpec.shape.outlets.safeParse(undefined).success).toBe(true);
    expect(TaskSpec.shape.outlets.safeParse([]).success).toBe(false);
    expect(DagSpec.shape.assetSchedule.safeParse(undefined).success).toBe(true);
  });
});
