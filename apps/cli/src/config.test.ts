import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('defaults to the local API, database and ./dags', () => {
    expect(loadConfig({})).toEqual({
      apiUrl: 'http://127.0.0.1:8080',
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/sluice',
      dagsFolder: 'dags',
    });
  });

  it('reads SLUICE_API_URL without its trailing slash and treats empty as unset', () => {
    expect(loadConfig({ SLUICE_API_URL: 'https://sluice.example.com/' }).apiUrl).toBe('https://sluice.example.com');
    expect(loadConfig({ SLUICE_API_URL: '' }).apiUrl).toBe('http://127.0.0.1:8080');
  });

  it('rejects a SLUICE_API_URL that is not an http(s) URL, naming the variable', () => {
    expect(() => loadConfig({ SLUICE_API_URL: 'localhost:8080' })).toThrow(ConfigError);
    expect(() => loadConfig({ SLUICE_API_URL: 'localhost:8080' })).toThrow(
      'invalid environment: SLUICE_API_URL: must be an http(s) URL',
    );
  });
});
