import { ConfigError } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';

describe('loadConfig', () => {
  it('defaults to the local database and Redis, the sluice prefix and one pass a second', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/sluice',
      REDIS_URL: 'redis://127.0.0.1:6379',
      SLUICE_QUEUE_PREFIX: 'sluice',
      SLUICE_SCHEDULER_INTERVAL_MS: 1_000,
      SLUICE_DAG_PARSE_INTERVAL_MS: 10_000,
      SLUICE_HEARTBEAT_TIMEOUT_MS: 60_000,
      SLUICE_TIMEOUT_GRACE_MS: 10_000,
      SLUICE_RECONCILE_AFTER_MS: 15_000,
      SLUICE_STARTUP_WAIT_MS: 60_000,
      SLUICE_LOG_LEVEL: 'info',
    });
    expect(config.SLUICE_DAGS_FOLDER).toMatch(/\/dags$/);
    expect(config.SLUICE_HOSTNAME.length).toBeGreaterThan(0);
  });

  it('reads numbers from their text, and takes a zero grace and zero startup wait', () => {
    const config = loadConfig({
      SLUICE_SCHEDULER_INTERVAL_MS: '250',
      SLUICE_TIMEOUT_GRACE_MS: '0',
      SLUICE_STARTUP_WAIT_MS: '0',
    });
    expect(config.SLUICE_SCHEDULER_INTERVAL_MS).toBe(250);
    expect(config.SLUICE_TIMEOUT_GRACE_MS).toBe(0);
    expect(config.SLUICE_STARTUP_WAIT_MS).toBe(0);
  });

  it('refuses a zero or fractional interval and an unknown log level, naming every variable that is wrong', () => {
    const bad = {
      SLUICE_SCHEDULER_INTERVAL_MS: '0',
      SLUICE_DAG_PARSE_INTERVAL_MS: '1.5',
      SLUICE_LOG_LEVEL: 'loud',
      DATABASE_URL: 'not a url',
    };
    expect(() => loadConfig(bad)).toThrow(ConfigError);
    try {
      loadConfig(bad);
    } catch (raw) {
      const message = raw instanceof Error ? raw.message : '';
      expect(message).toMatch(/^Invalid scheduler configuration:/);
      for (const name of Object.keys(bad)) expect(message).toContain(`  ${name}: `);
    }
  });
});
