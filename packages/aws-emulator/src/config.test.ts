import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';

describe('loadConfig', () => {
  it('defaults to 127.0.0.1:4566', () => {
    expect(loadConfig([], {})).toEqual({ port: 4566, host: '127.0.0.1' });
  });

  it('prefers --port over AWS_EMULATOR_PORT', () => {
    expect(loadConfig([], { AWS_EMULATOR_PORT: '5000' }).port).toBe(5000);
    expect(loadConfig(['--port', '6000'], { AWS_EMULATOR_PORT: '5000' }).port).toBe(6000);
  });

  it('names the option that is invalid', () => {
    expect(() => loadConfig(['--port', 'http'], {})).toThrow(/^Invalid port:/);
  });
});
