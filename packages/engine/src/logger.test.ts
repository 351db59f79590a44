import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, type LogFormat } from './logger';

function linesOf(format: LogFormat, isTty: boolean): string[] {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (c: Buffer) => chunks.push(c.toString()));
  createLogger({ level: 'info', format, isTty, destination: out }).warn({ dagRunId: 'r1' }, 'run missed its deadline');
  return chunks
    .join('')
    .split('\n')
    .filter((l) => l !== '');
}

describe('createLogger', () => {
  it('writes one readable line per event in a terminal', () => {
    const [line, ...rest] = linesOf('auto', true);
    expect(rest).toEqual([]);
    expect(line).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: run missed its deadline \{"dagRunId":"r1"\}$/);
  });

  it('writes JSON lines when stdout is not a terminal', () => {
    const [line] = linesOf('auto', false);
    expect(JSON.parse(line ?? '')).toMatchObject({ level: 40, msg: 'run missed its deadline', dagRunId: 'r1' });
  });
});
